package data

import "testing"

func TestGenerateAllKinds(t *testing.T) {
	for _, kind := range Kinds {
		classes := 3
		if kind == "xor" || kind == "moons" {
			classes = 2
		}
		a, err := Generate(kind, 301, classes, 0.05, 4)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		b, _ := Generate(kind, 301, classes, 0.05, 4)
		counts := make([]int, classes)
		for i := range a.Len() {
			counts[a.Label(i)]++
			if a.XY[2*i] != b.XY[2*i] || a.XY[2*i+1] != b.XY[2*i+1] {
				t.Fatalf("%s: the same seed gave different points", kind)
			}
			if a.XY[2*i] < -2 || a.XY[2*i] > 2 {
				t.Fatalf("%s: point %d at x=%v, far outside [-1, 1]", kind, i, a.XY[2*i])
			}
		}
		for c, n := range counts {
			if n < 301/classes {
				t.Errorf("%s: class %d has %d points", kind, c, n)
			}
		}
		train, test := a.Split(0.25, 1)
		if train.Len()+test.Len() != 301 || test.Len() != 75 {
			t.Errorf("%s: split %d + %d", kind, train.Len(), test.Len())
		}
	}
}

func TestGenerateRejectsBadSettings(t *testing.T) {
	for _, c := range []struct {
		kind       string
		n, classes int
		noise      float64
	}{{"xor", 10, 3, 0}, {"spiral", 0, 2, 0}, {"circles", 10, 1, 0}, {"moons", 10, 2, 2}, {"swirl", 10, 2, 0}} {
		if _, err := Generate(c.kind, c.n, c.classes, c.noise, 1); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

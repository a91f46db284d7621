package mathf

import (
	"math"
	"testing"
)

// Exp and Log must agree with package math to float32 precision across the range networks use.
func TestExpLogMatchMath(t *testing.T) {
	for x := -103.0; x <= 88.5; x += 0.0137 {
		got, want := float32(Exp(x)), float32(math.Exp(x))
		if want != 0 && math.Abs(float64(got-want))/float64(want) > 2e-7 {
			t.Fatalf("Exp(%v) = %v, math.Exp gives %v", x, got, want)
		}
	}
	for x := 1e-30; x < 1e30; x *= 1.37 {
		got, want := Log(x), math.Log(x)
		if math.Abs(got-want) > 1e-7*math.Max(1, math.Abs(want)) {
			t.Fatalf("Log(%v) = %v, math.Log gives %v", x, got, want)
		}
	}
	if Exp(1000) != math.Inf(1) || Exp(-1000) != 0 || !math.IsInf(Log(0), -1) || !math.IsNaN(Log(-1)) {
		t.Error("Exp/Log edge cases")
	}
}

func TestNormalHasUnitVariance(t *testing.T) {
	rng := NewRand(1)
	var s, s2 float64
	const n = 200000
	for range n {
		v := Normal(rng)
		s += v
		s2 += v * v
	}
	mean, variance := s/n, s2/n-(s/n)*(s/n)
	if math.Abs(mean) > 0.01 || math.Abs(variance-1) > 0.02 {
		t.Errorf("mean %.4f variance %.4f, want 0 and 1", mean, variance)
	}
}

func TestExp32(t *testing.T) {
	worst := 0.0
	for x := float32(-87.3); x <= 88.7; x += 0.00731 {
		got, want := float64(Exp32(x)), math.Exp(float64(x))
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
	}
	if worst > 2.5e-7 {
		t.Errorf("Exp32's worst relative error is %.3g, want within 2 float32 ulp", worst)
	}
	if !math.IsInf(float64(Exp32(100)), 1) || Exp32(-100) != 0 || Exp32(0) != 1 {
		t.Error("Exp32 edge cases")
	}
}

func BenchmarkExp(b *testing.B) {
	var s float64
	for b.Loop() {
		for x := -10.0; x < 10; x += 0.1 {
			s += Exp(x)
		}
	}
	_ = s
}

func BenchmarkExp32(b *testing.B) {
	var s float32
	for b.Loop() {
		for x := float32(-10); x < 10; x += 0.1 {
			s += Exp32(x)
		}
	}
	_ = s
}

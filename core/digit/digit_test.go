package digit

import (
	"errors"
	"math"
	"testing"

	"somehow/core/digit/digittest"
)

// drawPolyline draws one polyline (unit-square points) into the square of side size at (ox, oy),
// thick a fraction of size.
func drawPolyline(w, h int, pts [][2]float64, ox, oy, size, thick float64) []float32 {
	return digittest.Strokes(w, h, [][][2]float64{pts}, ox, oy, size, thick*size)
}

var seven = [][2]float64{{0.1, 0.05}, {0.9, 0.05}, {0.45, 0.95}}

func centreOfMass(img []float32) (float64, float64) {
	var m, mx, my float64
	for y := range Size {
		for x := range Size {
			v := float64(img[y*Size+x])
			m += v
			mx += v * (float64(x) + 0.5)
			my += v * (float64(y) + 0.5)
		}
	}
	return mx / m, my / m
}

// distance is the L2 distance between two 28×28 images, allowing b to be off by one whole pixel
// in each direction (centring rounds to whole pixels, as MNIST's did).
func distance(a, b []float32) float64 {
	best := math.Inf(1)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			var s float64
			for y := range Size {
				for x := range Size {
					var v float32
					if sx, sy := x+dx, y+dy; sx >= 0 && sx < Size && sy >= 0 && sy < Size {
						v = b[sy*Size+sx]
					}
					d := float64(a[y*Size+x] - v)
					s += d * d
				}
			}
			best = math.Min(best, math.Sqrt(s))
		}
	}
	return best
}

// The same 7 drawn big in the middle, small in a corner, off-centre on a wide canvas and huge
// must all come out nearly the same 28×28 image, centred like MNIST.
func TestPreprocessIgnoresWhereAndHowBig(t *testing.T) {
	ref, err := Preprocess(drawPolyline(280, 280, seven, 60, 40, 180, 0.14), 280, 280)
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string][]float32{}
	variants["small corner"], _ = Preprocess(drawPolyline(280, 280, seven, 10, 200, 60, 0.14), 280, 280)
	variants["off-centre wide canvas"], _ = Preprocess(drawPolyline(600, 200, seven, 420, 20, 150, 0.14), 600, 200)
	variants["large"], _ = Preprocess(drawPolyline(1000, 1000, seven, 50, 50, 900, 0.14), 1000, 1000)
	variants["shifted"], _ = Preprocess(drawPolyline(280, 280, seven, 90, 80, 180, 0.14), 280, 280)
	for name, img := range variants {
		if img == nil {
			t.Fatalf("%s: no image", name)
		}
		if d := distance(ref, img); d > 2.5 {
			t.Errorf("%s: differs from the reference by %.2f (L2 over 784 pixels)", name, d)
		}
	}
	one, _ := Preprocess(drawPolyline(280, 280, [][2]float64{{0.5, 0.05}, {0.5, 0.95}}, 60, 40, 180, 0.14), 280, 280)
	if d := distance(ref, one); d < 6 {
		t.Errorf("a 1 is only %.2f from the 7; the comparison cannot tell digits apart", d)
	}
	cx, cy := centreOfMass(ref)
	if math.Abs(cx-14) > 0.6 || math.Abs(cy-14) > 0.6 {
		t.Errorf("centre of mass at (%.2f, %.2f), want (14, 14)", cx, cy)
	}
	// The ink's bounding box: longer side 20 pixels.
	x0, y0, x1, y1 := Size, Size, -1, -1
	for y := range Size {
		for x := range Size {
			if ref[y*Size+x] > 0.05 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if side := max(x1-x0+1, y1-y0+1); side < 19 || side > 21 {
		t.Errorf("ink spans %d pixels, want 20", side)
	}
}

// A tall thin 1 keeps its aspect: 20 pixels high, a few wide, not stretched into a block.
func TestPreprocessKeepsAspect(t *testing.T) {
	img, err := Preprocess(drawPolyline(280, 280, [][2]float64{{0.5, 0.05}, {0.5, 0.95}}, 40, 40, 200, 0.08), 280, 280)
	if err != nil {
		t.Fatal(err)
	}
	cols := 0
	for x := range Size {
		for y := range Size {
			if img[y*Size+x] > 0.2 {
				cols++
				break
			}
		}
	}
	if cols > 4 {
		t.Errorf("a vertical stroke became %d columns wide", cols)
	}
}

func TestPreprocessErrors(t *testing.T) {
	if _, err := Preprocess(make([]float32, 100), 10, 10); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty canvas: %v", err)
	}
	if _, err := Preprocess(make([]float32, 10), 10, 10); err == nil {
		t.Error("wrong length: no error")
	}
	if _, err := Preprocess(nil, 0, 0); err == nil {
		t.Error("0×0: no error")
	}
	if _, err := Preprocess(Gray([]byte{0, 0, 255, 0}), 2, 2); err != nil {
		t.Errorf("one pixel of ink: %v", err)
	}
}

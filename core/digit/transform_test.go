package digit

import (
	"math"
	"math/rand/v2"
	"testing"
)

// slantedBar is a 2-pixel-wide bar drawn with x drifting slant pixels per row.
func slantedBar(slant float64) []float32 {
	img := make([]float32, Size*Size)
	for y := 6; y < 22; y++ {
		x := int(math.Round(13.5 + slant*(float64(y)-13.5)))
		img[y*Size+x], img[y*Size+x+1] = 1, 1
	}
	return img
}

// drift is the ink's x drift per row (its x-y covariance over its y variance).
func drift(img []float32) float64 {
	var m, mx, my, vyy, vxy float64
	for i, v := range img {
		m += float64(v)
		mx += float64(v) * float64(i%Size)
		my += float64(v) * float64(i/Size)
	}
	mx, my = mx/m, my/m
	for i, v := range img {
		dx, dy := float64(i%Size)-mx, float64(i/Size)-my
		vyy += float64(v) * dy * dy
		vxy += float64(v) * dx * dy
	}
	return vxy / vyy
}

func TestDeskewStraightensASlantedStroke(t *testing.T) {
	for _, slant := range []float64{-0.4, 0.25, 0.5} {
		img := slantedBar(slant)
		if d := drift(img); math.Abs(d-slant) > 0.05 {
			t.Fatalf("test image drifts %.2f, meant %.2f", d, slant)
		}
		if d := drift(Deskew(img)); math.Abs(d) > 0.03 {
			t.Errorf("slant %.2f: after deskewing it still drifts %.3f per row", slant, d)
		}
	}
	upright := make([]float32, Size*Size) // x = 13 and 14, y = 6 to 21: centred on (13.5, 13.5)
	for y := 6; y < 22; y++ {
		upright[y*Size+13], upright[y*Size+14] = 1, 1
	}
	out := Deskew(upright)
	var diff float64
	for i := range out {
		diff += math.Abs(float64(out[i] - upright[i]))
	}
	if diff > 2 {
		t.Errorf("an upright, centred stroke changed by %.2f", diff)
	}
	if blank := Deskew(make([]float32, Size*Size)); len(blank) != Size*Size {
		t.Errorf("a blank image: %d pixels", len(blank))
	}
}

func TestAugmentIsSeededAndKeepsTheInk(t *testing.T) {
	img := slantedBar(0.2)
	a, b := make([]float32, Size*Size), make([]float32, Size*Size)
	DefaultAugmentation.Augment(img, a, rand.New(rand.NewPCG(1, 2)))
	DefaultAugmentation.Augment(img, b, rand.New(rand.NewPCG(1, 2)))
	var ink, changed float64
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("the same seed gave two different images")
		}
		ink += float64(a[i])
		changed += math.Abs(float64(a[i] - img[i]))
	}
	if ink < 15 || ink > 70 || changed == 0 {
		t.Errorf("ink %.1f (was 32), changed %.1f", ink, changed)
	}
	Augmentation{}.Augment(img, a, rand.New(rand.NewPCG(3, 4)))
	for i := range a {
		if math.Abs(float64(a[i]-img[i])) > 1e-6 {
			t.Fatalf("no augmentation changed pixel %d: %v vs %v", i, a[i], img[i])
		}
	}
}

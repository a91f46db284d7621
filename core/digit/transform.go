package digit

import "math/rand/v2"

// An affine map from output pixel (x, y) to the input point it samples:
// (a*x + b*y + c, d*x + e*y + f), in pixel-centre coordinates.
type affine struct{ a, b, c, d, e, f float64 }

// warp samples src (Size×Size) through m into dst with bilinear interpolation; outside is paper.
func warp(src, dst []float32, m affine) {
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= Size || y >= Size {
			return 0
		}
		return float64(src[y*Size+x])
	}
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			sx := m.a*float64(x) + m.b*float64(y) + m.c
			sy := m.d*float64(x) + m.e*float64(y) + m.f
			x0, y0 := floor(sx), floor(sy)
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := (1-fy)*((1-fx)*at(x0, y0)+fx*at(x0+1, y0)) + fy*((1-fx)*at(x0, y0+1)+fx*at(x0+1, y0+1))
			dst[y*Size+x] = float32(min(1, max(0, v)))
		}
	}
}

func floor(v float64) int {
	i := int(v)
	if float64(i) > v {
		i--
	}
	return i
}

// Deskew straightens a slanted digit (Size×Size, values in [0, 1]) by its image moments, the
// paper's own suggestion: the slant is how far the ink's x drifts per row (its x-y covariance
// over its y variance); the result is the same ink sheared upright, its centre of mass at the
// centre. An empty image comes back unchanged.
func Deskew(img []float32) []float32 {
	out := make([]float32, Size*Size)
	DeskewInto(out, img)
	return out
}

// DeskewInto is Deskew writing into out (Size×Size, not img).
func DeskewInto(out, img []float32) {
	var m, mx, my float64
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			v := float64(img[y*Size+x])
			m += v
			mx += v * float64(x)
			my += v * float64(y)
		}
	}
	if m == 0 {
		copy(out, img)
		return
	}
	mx, my = mx/m, my/m
	var vyy, vxy float64
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			v := float64(img[y*Size+x])
			dx, dy := float64(x)-mx, float64(y)-my
			vyy += v * dy * dy
			vxy += v * dx * dy
		}
	}
	slant := 0.0
	if vyy > 1e-9 {
		slant = vxy / vyy
	}
	const c = (Size - 1) / 2.0
	// Output (x, y) samples input (x + slant·(y - c) + mx - c, y + my - c).
	warp(img, out, affine{a: 1, b: slant, c: mx - c - slant*c, d: 0, e: 1, f: my - c})
}

// Augmentation is how much a training image may be changed, as fractions and pixels.
type Augmentation struct {
	Rotate    float64 // largest rotation, as tan(angle/2): 0.1 is about ±11°
	Scale     float64 // largest relative change of size, 0.15 = 85% to 115%
	Shear     float64 // largest shear, x drift per row
	Shift     float64 // largest shift, pixels
	Thickness float64 // chance of a thicker stroke, and again of a thinner one
}

// DefaultAugmentation varies MNIST's writing about as much as people at a pad differ from it:
// a little tilted, larger or smaller, off-centre, and drawn with another pen.
var DefaultAugmentation = Augmentation{Rotate: 0.11, Scale: 0.15, Shear: 0.25, Shift: 2.5, Thickness: 0.25}

// Augment writes into dst a randomly changed copy of src (Size×Size): rotated, scaled, sheared
// and shifted about the centre, then the stroke made thicker or thinner. The same rng state gives
// the same image natively and in WebAssembly (no trigonometry: the angle is drawn as its
// half-angle tangent).
func (a Augmentation) Augment(src, dst []float32, rng *rand.Rand) {
	u := func(r float64) float64 { return (2*rng.Float64() - 1) * r }
	t := u(a.Rotate)
	cos, sin := (1-t*t)/(1+t*t), 2*t/(1+t*t)
	s := 1 + u(a.Scale)
	shear := u(a.Shear)
	dx, dy := u(a.Shift), u(a.Shift)
	thick := rng.Float64()
	// Output point p maps to input M⁻¹(p - centre - shift) + centre, with M = scale·rotate·shear.
	// Inverting each factor: shear⁻¹ [[1, -k], [0, 1]], rotate⁻¹ [[cos, sin], [-sin, cos]],
	// scale⁻¹ 1/s.
	ia, ib := cos/s, sin/s
	id, ie := -sin/s, cos/s
	ia, ib = ia-shear*id, ib-shear*ie
	const c = (Size - 1) / 2.0
	ox, oy := -c-dx, -c-dy
	m := affine{a: ia, b: ib, c: ia*ox + ib*oy + c, d: id, e: ie, f: id*ox + ie*oy + c}
	warp(src, dst, m)
	switch {
	case thick < a.Thickness:
		morph(dst, true)
	case thick < 2*a.Thickness:
		morph(dst, false)
	}
}

// morph makes the stroke thicker (each pixel at least the mean of it and its brightest
// neighbour) or thinner (at most the mean of it and its faintest neighbour): half a pixel of pen.
func morph(img []float32, thicker bool) {
	src := append([]float32(nil), img...)
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			v := src[y*Size+x]
			best := v
			for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				nx, ny := x+d[0], y+d[1]
				n := float32(0)
				if nx >= 0 && ny >= 0 && nx < Size && ny < Size {
					n = src[ny*Size+nx]
				}
				if thicker {
					best = max(best, n)
				} else {
					best = min(best, n)
				}
			}
			img[y*Size+x] = (v + best) / 2
		}
	}
}

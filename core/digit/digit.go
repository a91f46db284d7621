// Package digit turns a digit drawn on a canvas into the 28×28 input an MNIST network expects,
// the way MNIST's own images were made: crop to the ink, scale the longer side to 20 pixels with
// area averaging (so edges come out anti-aliased), and place the result in a 28×28 frame with its
// centre of mass at the centre.
//
// It matters: a network trained on MNIST reads a drawing prepared this way far better than the
// same drawing shrunk whole, and it stops caring where on the canvas or how large someone drew.
package digit

import (
	"errors"
	"fmt"
	"math"
)

// Size is the side of the MNIST image; Box is the side of the box the ink is scaled into.
const (
	Size = 28
	Box  = 20
)

// MaxCanvas caps the canvas side Preprocess accepts.
const MaxCanvas = 4096

// ErrEmpty is returned for a canvas with no ink on it.
var ErrEmpty = errors.New("the canvas is empty: draw a digit first")

// inkThreshold is the least value that counts as ink when finding the digit's bounding box, so
// faint anti-aliasing specks far from the stroke do not stretch the box.
const inkThreshold = 0.1

// Preprocess turns a w×h grey image (row-major, 0 = paper, 1 = full ink) of any size into a
// 28×28 MNIST-like input (row-major, values in [0, 1], the strongest ink at 1).
func Preprocess(gray []float32, w, h int) ([]float32, error) {
	if w < 1 || h < 1 || w > MaxCanvas || h > MaxCanvas {
		return nil, fmt.Errorf("the canvas must be between 1×1 and %d×%d pixels, not %d×%d", MaxCanvas, MaxCanvas, w, h)
	}
	if len(gray) != w*h {
		return nil, fmt.Errorf("a %d×%d canvas has %d pixels, but %d values were given", w, h, w*h, len(gray))
	}
	x0, y0, x1, y1 := w, h, -1, -1 // bounding box of the ink, inclusive
	for y := range h {
		for x, v := range gray[y*w : (y+1)*w] {
			if math.IsNaN(float64(v)) {
				return nil, errors.New("the canvas has a pixel that is not a number")
			}
			if v >= inkThreshold {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return nil, ErrEmpty
	}
	bw, bh := x1-x0+1, y1-y0+1
	// Longer side to Box pixels, the other in proportion.
	scale := float64(Box) / float64(max(bw, bh))
	tw := max(1, int(math.Round(float64(bw)*scale)))
	th := max(1, int(math.Round(float64(bh)*scale)))
	small := resizeArea(gray, w, x0, y0, bw, bh, tw, th)

	// Centre of mass of the scaled ink, then the whole-pixel shift that puts it at the centre,
	// kept inside the frame.
	var mass, mx, my float64
	for y := range th {
		for x := range tw {
			v := float64(small[y*tw+x])
			mass += v
			mx += v * (float64(x) + 0.5)
			my += v * (float64(y) + 0.5)
		}
	}
	if mass == 0 {
		return nil, ErrEmpty
	}
	ox := clampInt(int(math.Round(Size/2-mx/mass)), 0, Size-tw)
	oy := clampInt(int(math.Round(Size/2-my/mass)), 0, Size-th)

	out := make([]float32, Size*Size)
	var top float32
	for _, v := range small {
		top = max(top, v)
	}
	for y := range th {
		for x := range tw {
			out[(oy+y)*Size+ox+x] = min(small[y*tw+x]/top, 1)
		}
	}
	return out, nil
}

// Gray turns an 8-bit grey image (0 = paper, 255 = ink) into Preprocess's values, 0 to 1.
func Gray(b []byte) []float32 {
	f := make([]float32, len(b))
	for i, v := range b {
		f[i] = float32(v) / 255
	}
	return f
}

// resizeArea scales the bw×bh rectangle at (x0, y0) of a w-wide image to tw×th, each output pixel
// the average of the source area it covers (partial pixels weighted by their overlap).
func resizeArea(src []float32, w, x0, y0, bw, bh, tw, th int) []float32 {
	sx := float64(bw) / float64(tw)
	sy := float64(bh) / float64(th)
	out := make([]float32, tw*th)
	for ty := range th {
		fy0, fy1 := float64(ty)*sy, float64(ty+1)*sy
		for tx := range tw {
			fx0, fx1 := float64(tx)*sx, float64(tx+1)*sx
			var sum float64
			for y := int(fy0); y < bh && float64(y) < fy1; y++ {
				wy := math.Min(fy1, float64(y+1)) - math.Max(fy0, float64(y))
				row := src[(y0+y)*w+x0:]
				for x := int(fx0); x < bw && float64(x) < fx1; x++ {
					wx := math.Min(fx1, float64(x+1)) - math.Max(fx0, float64(x))
					sum += float64(row[x]) * wx * wy
				}
			}
			out[ty*tw+tx] = float32(sum / (sx * sy))
		}
	}
	return out
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

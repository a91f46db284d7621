// Package digittest draws digits the way a hand does, for tests: thick strokes with one pixel of
// anti-aliased edge, like a canvas line.
package digittest

import "math"

// Strokes renders polylines given in the unit square onto a w×h canvas (row-major, 0 paper to
// 1 ink). The unit square maps to the square of side size at (ox, oy); lines are thick pixels
// wide.
func Strokes(w, h int, strokes [][][2]float64, ox, oy, size, thick float64) []float32 {
	c := make([]float32, w*h)
	for y := range h {
		for x := range w {
			px, py := float64(x)+0.5, float64(y)+0.5
			best := math.Inf(1)
			for _, s := range strokes {
				for i := 0; i+1 < len(s); i++ {
					ax, ay := ox+s[i][0]*size, oy+s[i][1]*size
					bx, by := ox+s[i+1][0]*size, oy+s[i+1][1]*size
					dx, dy := bx-ax, by-ay
					t := math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/(dx*dx+dy*dy+1e-12)))
					best = math.Min(best, math.Hypot(px-(ax+t*dx), py-(ay+t*dy)))
				}
			}
			c[y*w+x] = float32(math.Max(0, math.Min(1, thick/2-best+0.5)))
		}
	}
	return c
}

// Bytes turns a canvas into bytes, 0 paper to 255 ink.
func Bytes(c []float32) []byte {
	b := make([]byte, len(c))
	for i, v := range c {
		b[i] = byte(255 * v)
	}
	return b
}

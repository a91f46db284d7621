package mnist

import (
	"math"
	"math/rand/v2"

	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/mathf"
	"somehow/core/nn"
)

// Drawn digits: MNIST's test digits as a person would draw them on the pad, so that a model is
// measured on what the pad gives it, not on MNIST's own pipeline. Each test digit is thinned to
// its skeleton, the skeleton is placed on a pad-sized canvas at a size, place and tilt people use
// (small or large, off-centre, slanted), and drawn with the pad's round pen, whose width does
// not change with the digit's size. The canvas then goes through the pad's own preprocessing.

// PadSide is the drawing pad's side in pixels, and PadPen its pen's width (web/digits.js).
const (
	PadSide = 280
	PadPen  = PadSide / 14
)

// DrawnDigit is one test digit redrawn on the pad: a PadSide² canvas, one byte a pixel (0 paper,
// 255 ink), and its label.
type DrawnDigit struct {
	Canvas []byte
	Label  int
	Index  int // the MNIST test image it came from
}

// Drawn redraws n test digits (spread evenly over the set), the same ones for the same seed.
func Drawn(test *data.Images, n int, seed uint64) []DrawnDigit {
	rng := mathf.NewRand(seed)
	out := make([]DrawnDigit, 0, n)
	img := make([]float32, ImageSize)
	for k := range n {
		i := k * test.Len() / max(n, 1)
		test.Input(i, img)
		out = append(out, DrawnDigit{Canvas: redraw(skeleton(img), rng), Label: test.Label(i), Index: i})
	}
	return out
}

// DrawnAccuracy is the share of drawn digits model m reads correctly, through the pad's
// preprocessing (and deskewing, if m was trained so).
func DrawnAccuracy(m *nn.Model, drawn []DrawnDigit) float64 {
	right := 0
	for _, d := range drawn {
		r, err := ReadDrawing(m, digit.Gray(d.Canvas), PadSide, PadSide)
		if err == nil && r.Digit == d.Label {
			right++
		}
	}
	return float64(right) / float64(max(len(drawn), 1))
}

// skeletonScale is how much finer than 28×28 the skeleton is found.
const skeletonScale = 4

// skeleton thins the digit to one-pixel lines (Zhang and Suen's thinning) on a grid
// skeletonScale times finer, and returns the points left, in 28×28 pixel units.
func skeleton(img []float32) [][2]float64 {
	const n = digit.Size * skeletonScale
	grid := make([]bool, n*n)
	for y := range n {
		for x := range n {
			// Bilinear, from pixel centres.
			fx, fy := (float64(x)+0.5)/skeletonScale-0.5, (float64(y)+0.5)/skeletonScale-0.5
			x0, y0 := int(math.Floor(fx)), int(math.Floor(fy))
			tx, ty := fx-float64(x0), fy-float64(y0)
			at := func(x, y int) float64 {
				if x < 0 || y < 0 || x >= digit.Size || y >= digit.Size {
					return 0
				}
				return float64(img[y*digit.Size+x])
			}
			v := (1-ty)*((1-tx)*at(x0, y0)+tx*at(x0+1, y0)) + ty*((1-tx)*at(x0, y0+1)+tx*at(x0+1, y0+1))
			grid[y*n+x] = v > 0.45
		}
	}
	for changed := true; changed; {
		changed = false
		for step := range 2 {
			var remove []int
			for y := 1; y < n-1; y++ {
				for x := 1; x < n-1; x++ {
					if !grid[y*n+x] {
						continue
					}
					// Neighbours p2..p9, clockwise from north.
					p := [8]bool{grid[(y-1)*n+x], grid[(y-1)*n+x+1], grid[y*n+x+1], grid[(y+1)*n+x+1],
						grid[(y+1)*n+x], grid[(y+1)*n+x-1], grid[y*n+x-1], grid[(y-1)*n+x-1]}
					b, a := 0, 0
					for i, v := range p {
						if v {
							b++
							if !p[(i+1)%8] {
								a++
							}
						}
					}
					if b < 2 || b > 6 || a != 1 {
						continue
					}
					if step == 0 && (p[0] && p[2] && p[4] || p[2] && p[4] && p[6]) {
						continue
					}
					if step == 1 && (p[0] && p[2] && p[6] || p[0] && p[4] && p[6]) {
						continue
					}
					remove = append(remove, y*n+x)
				}
			}
			for _, i := range remove {
				grid[i] = false
			}
			changed = changed || len(remove) > 0
		}
	}
	var pts [][2]float64
	for i, on := range grid {
		if on {
			pts = append(pts, [2]float64{(float64(i%n) + 0.5) / skeletonScale, (float64(i/n) + 0.5) / skeletonScale})
		}
	}
	return pts
}

// redraw draws the skeleton on a pad canvas with the pad's pen, at a random size (a digit 30% to
// 90% of the pad tall), place and tilt (±15°), with a random slant (±0.3).
func redraw(pts [][2]float64, rng *rand.Rand) []byte {
	canvas := make([]byte, PadSide*PadSide)
	if len(pts) == 0 {
		return canvas
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	height := (0.3 + 0.6*rng.Float64()) * PadSide
	scale := height / math.Max(maxY-minY, 1)
	t := (2*rng.Float64() - 1) * 0.13 // half-angle tangent: about ±15°
	cos, sin := (1-t*t)/(1+t*t), 2*t/(1+t*t)
	slant := (2*rng.Float64() - 1) * 0.3
	// Where the digit's centre lands: anywhere its box stays on the pad.
	w := (maxX - minX) * scale
	margin := PadPen + 0.5*math.Max(w, height)
	px := margin + rng.Float64()*math.Max(0, PadSide-2*margin)
	py := margin + rng.Float64()*math.Max(0, PadSide-2*margin)
	r := float64(PadPen) / 2
	for _, p := range pts {
		x, y := (p[0]-cx)*scale, (p[1]-cy)*scale
		x += slant * -y
		x, y = cos*x-sin*y+px, sin*x+cos*y+py
		dot(canvas, x, y, r)
	}
	return canvas
}

// dot inks a disc of radius r at (x, y), anti-aliased at its edge.
func dot(canvas []byte, x, y, r float64) {
	// Inside r-0.5 a pixel is ink whatever the distance, beyond r+0.5 paper: only the ring
	// between needs its distance (Hypot, as always, so the pixels are the same bits).
	inner, outer := max(0, r-0.5), r+0.5
	inner2, outer2 := inner*inner, outer*outer
	for py := int(y - r - 1); py <= int(y+r+1); py++ {
		if py < 0 || py >= PadSide {
			continue
		}
		dy := float64(py) + 0.5 - y
		row := canvas[py*PadSide : (py+1)*PadSide]
		for px := int(x - r - 1); px <= int(x+r+1); px++ {
			if px < 0 || px >= PadSide || row[px] == 255 {
				continue
			}
			dx := float64(px) + 0.5 - x
			switch d2 := dx*dx + dy*dy; {
			case d2 >= outer2*1.0000001:
				continue
			case d2 <= inner2*0.9999999:
				row[px] = 255
				continue
			}
			d := math.Hypot(dx, dy)
			if v := byte(255 * math.Max(0, math.Min(1, r+0.5-d))); v > row[px] {
				row[px] = v
			}
		}
	}
}

package mnist

import (
	"math"
	"math/rand/v2"

	"somehow/core/digit"
	"somehow/core/mathf"
	"somehow/core/nn"
)

// People's handwriting: the styles of digit people write on the pad that MNIST (American census
// workers and students of the early 1990s) has few of, as pen strokes. A style is drawn by a
// random writer (size, place, slant, width, a wobble in every stroke) with the pad's pen and read
// through the pad's preprocessing. They serve three ends: training data beside MNIST (the shipped
// reader learns them), a per-style measure (`somehow drawn` and the tests), and writers whose
// handwriting a lesson can learn (the tests of "teach it your handwriting").

// Stroke is one pen-down-to-pen-up line, as points in the unit square (x right, y down).
type Stroke [][2]float64

// Style is one way of writing a digit.
type Style struct {
	Digit int
	Name  string
	// Strokes in the unit square, the digit about 0.1 to 0.9 tall.
	Strokes []Stroke
	// Rare marks the styles people write that MNIST's writers seldom did (what the shipped
	// reader must be taught).
	Rare bool
}

// arc is a stroke along an ellipse around (cx, cy) from angle a0 to a1 (radians, 0 = up,
// clockwise), as a pen moves.
func arc(cx, cy, rx, ry, a0, a1 float64) Stroke {
	const steps = 24
	s := make(Stroke, steps+1)
	for i := range s {
		a := a0 + (a1-a0)*float64(i)/steps
		s[i] = [2]float64{cx + rx*math.Sin(a), cy - ry*math.Cos(a)}
	}
	return s
}

// join puts strokes' points one after another: one stroke, the pen never lifted.
func join(parts ...Stroke) Stroke {
	var s Stroke
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

func line(pts ...[2]float64) Stroke { return Stroke(pts) }

const turn = 2 * math.Pi

// Styles are the ways of writing each digit the generator knows.
var Styles = []Style{
	{Digit: 0, Name: "oval", Strokes: []Stroke{arc(0.5, 0.5, 0.24, 0.36, 0, turn+0.3)}},
	{Digit: 0, Name: "narrow", Strokes: []Stroke{arc(0.5, 0.5, 0.13, 0.38, -0.3, turn)}},
	{Digit: 1, Name: "stick", Strokes: []Stroke{line([2]float64{0.52, 0.12}, [2]float64{0.48, 0.88})}},
	{Digit: 1, Name: "flag", Rare: true, Strokes: []Stroke{line([2]float64{0.32, 0.32}, [2]float64{0.56, 0.12}, [2]float64{0.54, 0.88})}},
	{Digit: 1, Name: "flag and foot", Rare: true, Strokes: []Stroke{
		line([2]float64{0.32, 0.3}, [2]float64{0.55, 0.12}, [2]float64{0.53, 0.86}),
		line([2]float64{0.32, 0.87}, [2]float64{0.74, 0.87})}},
	{Digit: 2, Name: "flat base", Strokes: []Stroke{join(arc(0.5, 0.33, 0.22, 0.2, -1.4, 2.2), line([2]float64{0.27, 0.86}, [2]float64{0.78, 0.86}))}},
	{Digit: 2, Name: "looped base", Rare: true, Strokes: []Stroke{join(arc(0.5, 0.33, 0.22, 0.2, -1.4, 2.2),
		line([2]float64{0.3, 0.8}), arc(0.34, 0.78, 0.08, 0.08, 3.1, 3.1-turn), line([2]float64{0.8, 0.84}))}},
	{Digit: 3, Name: "round", Strokes: []Stroke{join(arc(0.48, 0.3, 0.2, 0.17, -1.3, 3.0), arc(0.48, 0.66, 0.23, 0.2, 0, 4.4))}},
	{Digit: 3, Name: "flat top", Rare: true, Strokes: []Stroke{join(line([2]float64{0.28, 0.14}, [2]float64{0.72, 0.14}, [2]float64{0.46, 0.44}),
		arc(0.48, 0.66, 0.23, 0.21, 0, 4.4))}},
	{Digit: 4, Name: "closed", Strokes: []Stroke{line([2]float64{0.58, 0.12}, [2]float64{0.22, 0.62}, [2]float64{0.8, 0.62}),
		line([2]float64{0.62, 0.32}, [2]float64{0.62, 0.9})}},
	{Digit: 4, Name: "open", Rare: true, Strokes: []Stroke{line([2]float64{0.3, 0.12}, [2]float64{0.27, 0.58}, [2]float64{0.78, 0.58}),
		line([2]float64{0.66, 0.12}, [2]float64{0.66, 0.9})}},
	{Digit: 4, Name: "one stroke", Rare: true, Strokes: []Stroke{line([2]float64{0.3, 0.12}, [2]float64{0.26, 0.58}, [2]float64{0.76, 0.58},
		[2]float64{0.7, 0.16}, [2]float64{0.68, 0.9})}},
	{Digit: 5, Name: "bar first", Strokes: []Stroke{join(line([2]float64{0.72, 0.14}, [2]float64{0.36, 0.14}, [2]float64{0.32, 0.46}),
		arc(0.48, 0.64, 0.23, 0.21, -1.2, 3.6))}},
	{Digit: 5, Name: "bar last", Strokes: []Stroke{join(line([2]float64{0.36, 0.14}, [2]float64{0.32, 0.46}), arc(0.48, 0.64, 0.23, 0.21, -1.2, 3.6)),
		line([2]float64{0.36, 0.14}, [2]float64{0.74, 0.12})}},
	{Digit: 6, Name: "round", Strokes: []Stroke{join(line([2]float64{0.64, 0.1}), arc(0.48, 0.66, 0.22, 0.22, 4.9, 4.9-turn+0.2))}},
	{Digit: 6, Name: "small loop", Rare: true, Strokes: []Stroke{join(line([2]float64{0.66, 0.1}, [2]float64{0.4, 0.5}), arc(0.46, 0.74, 0.15, 0.14, 4.6, 4.6-turn+0.1))}},
	{Digit: 7, Name: "plain", Strokes: []Stroke{line([2]float64{0.22, 0.16}, [2]float64{0.78, 0.16}, [2]float64{0.44, 0.88})}},
	{Digit: 7, Name: "crossed", Rare: true, Strokes: []Stroke{line([2]float64{0.22, 0.16}, [2]float64{0.78, 0.16}, [2]float64{0.44, 0.88}),
		line([2]float64{0.36, 0.52}, [2]float64{0.74, 0.52})}},
	// One stroke: the bar, the down-stroke, and the pen coming back through the middle to cross
	// it before going on down: a z-like crossed seven (24 of 110 people's sevens read as 2).
	{Digit: 7, Name: "z crossed", Rare: true, Strokes: []Stroke{line([2]float64{0.2, 0.16}, [2]float64{0.78, 0.14}, [2]float64{0.58, 0.5},
		[2]float64{0.34, 0.52}, [2]float64{0.78, 0.5}, [2]float64{0.56, 0.52}, [2]float64{0.42, 0.9})}},
	// The same with a foot, a Ƶ: read as a 2 by a reader that never saw one.
	{Digit: 7, Name: "z with foot", Rare: true, Strokes: []Stroke{line([2]float64{0.2, 0.16}, [2]float64{0.8, 0.14}, [2]float64{0.56, 0.48},
		[2]float64{0.3, 0.5}, [2]float64{0.76, 0.48}, [2]float64{0.54, 0.5}, [2]float64{0.32, 0.86}, [2]float64{0.62, 0.84})}},
	{Digit: 7, Name: "hooked", Rare: true, Strokes: []Stroke{line([2]float64{0.22, 0.3}, [2]float64{0.24, 0.16}, [2]float64{0.78, 0.16},
		[2]float64{0.46, 0.9})}},
	{Digit: 8, Name: "one stroke", Strokes: []Stroke{join(arc(0.5, 0.3, 0.17, 0.17, 3.1, -3.1+0.2), arc(0.5, 0.67, 0.21, 0.2, 0, turn))}},
	{Digit: 8, Name: "two loops", Strokes: []Stroke{arc(0.5, 0.3, 0.17, 0.17, 0, turn), arc(0.5, 0.67, 0.21, 0.2, 0, turn)}},
	{Digit: 9, Name: "round", Strokes: []Stroke{join(arc(0.5, 0.32, 0.2, 0.18, 1.6, 1.6-turn), line([2]float64{0.7, 0.34}, [2]float64{0.66, 0.88}))}},
	{Digit: 9, Name: "small loop", Rare: true, Strokes: []Stroke{join(arc(0.56, 0.22, 0.11, 0.09, 1.6, 1.6-turn), line([2]float64{0.67, 0.24}, [2]float64{0.6, 0.88}))}},
	// A small (or scribbled) loop at the top and a long tail curving left at the bottom, like a
	// g (21 of 90 people's nines read as 3).
	{Digit: 9, Name: "hooked tail", Rare: true, Strokes: []Stroke{join(arc(0.55, 0.22, 0.12, 0.1, 1.6, 1.6-turn), line([2]float64{0.67, 0.26}, [2]float64{0.66, 0.7}),
		arc(0.5, 0.7, 0.16, 0.2, 1.6, 3.9))}},
	{Digit: 9, Name: "g tail", Rare: true, Strokes: []Stroke{join(arc(0.56, 0.2, 0.13, 0.1, 1.6, 1.6-turn), line([2]float64{0.69, 0.24}, [2]float64{0.68, 0.62}),
		arc(0.46, 0.62, 0.22, 0.26, 1.6, 4.4))}},
	{Digit: 9, Name: "scribbled loop", Rare: true, Strokes: []Stroke{join(arc(0.56, 0.22, 0.1, 0.08, 1.6, 1.6-2*turn), line([2]float64{0.66, 0.24}, [2]float64{0.64, 0.7}),
		arc(0.48, 0.7, 0.16, 0.19, 1.6, 3.7))}},
}

// Writer is how one person writes: how tall, how wide, how slanted, how shaky, and where on
// the pad.
type Writer struct {
	Height, Width, Slant, Wobble float64
	X, Y                         float64 // the digit's centre on the pad, in pad pixels
	seed                         uint64
}

// NewWriter draws a writer at random: a digit 35% to 85% of the pad tall, 0.7 to 1.25 times as
// wide as the style, slanted by up to ±0.35, a wobble of up to 4% of its height.
func NewWriter(rng *rand.Rand) Writer {
	w := Writer{Height: (0.35 + 0.5*rng.Float64()) * PadSide, Width: 0.7 + 0.55*rng.Float64(),
		Slant: (2*rng.Float64() - 1) * 0.35, Wobble: 0.04 * rng.Float64(), seed: rng.Uint64()}
	margin := PadPen + 0.5*w.Height
	w.X = margin + rng.Float64()*math.Max(0, PadSide-2*margin)
	w.Y = margin + rng.Float64()*math.Max(0, PadSide-2*margin)
	return w
}

// Strokes are style s as the writer draws it, in pad pixels: each stroke's points moved a
// little (smoothly along the stroke, as a hand wanders), slanted, sized and placed.
func (w Writer) Strokes(s Style, rng *rand.Rand) []Stroke {
	out := make([]Stroke, len(s.Strokes))
	for k, st := range s.Strokes {
		// A smooth wobble: a random offset at each end and the middle, interpolated.
		var anchors [3][2]float64
		for i := range anchors {
			anchors[i] = [2]float64{w.Wobble * (2*rng.Float64() - 1), w.Wobble * (2*rng.Float64() - 1)}
		}
		p := make(Stroke, len(st))
		for i, pt := range st {
			t := float64(i) / float64(max(len(st)-1, 1)) * 2
			j := min(int(t), 1)
			f := t - float64(j)
			dx := anchors[j][0]*(1-f) + anchors[j+1][0]*f
			dy := anchors[j][1]*(1-f) + anchors[j+1][1]*f
			x, y := (pt[0]-0.5+dx)*w.Width, pt[1]-0.5+dy
			x += w.Slant * -y
			p[i] = [2]float64{w.X + x*w.Height, w.Y + y*w.Height}
		}
		out[k] = p
	}
	return out
}

// Ink draws strokes (pad pixels) on a pad canvas with the pad's round pen: one byte a pixel,
// 0 paper to 255 ink.
func Ink(strokes []Stroke) []byte {
	canvas := make([]byte, PadSide*PadSide)
	r := float64(PadPen) / 2
	for _, s := range strokes {
		for i := range s {
			if i == 0 {
				dot(canvas, s[0][0], s[0][1], r)
				continue
			}
			// Dots every pixel along the segment, as a pen's line is.
			a, b := s[i-1], s[i]
			n := int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1])))
			for k := 1; k <= n; k++ {
				t := float64(k) / float64(n)
				dot(canvas, a[0]+(b[0]-a[0])*t, a[1]+(b[1]-a[1])*t, r)
			}
		}
	}
	return canvas
}

// PeopleDigit is one digit in one style by one writer, as strokes on the pad.
type PeopleDigit struct {
	Style   int // index in Styles
	Label   int
	Strokes []Stroke
}

// People draws n digits of each style, each by a new random writer, the same ones for the same
// seed.
func People(n int, seed uint64) []PeopleDigit {
	rng := mathf.NewRand(seed)
	var out []PeopleDigit
	for si, s := range Styles {
		for range n {
			w := NewWriter(rng)
			out = append(out, PeopleDigit{Style: si, Label: s.Digit, Strokes: w.Strokes(s, rng)})
		}
	}
	return out
}

// StyleScore is how well a model reads one style.
type StyleScore struct {
	Style       Style
	Right, Read int
}

// PeopleAccuracy reads each digit as the pad would (ReadDrawing) and says, per style in the
// order of Styles, how many were read right, and the share right over all.
func PeopleAccuracy(m *nn.Model, digits []PeopleDigit) ([]StyleScore, float64) {
	scores := make([]StyleScore, len(Styles))
	for i, s := range Styles {
		scores[i].Style = s
	}
	right := 0
	for _, d := range digits {
		r, err := ReadDrawing(m, digit.Gray(Ink(d.Strokes)), PadSide, PadSide)
		scores[d.Style].Read++
		if err == nil && r.Digit == d.Label {
			scores[d.Style].Right++
			right++
		}
	}
	return scores, float64(right) / float64(max(len(digits), 1))
}

// Person is one writer's hand: one style for each digit, and one slant, width and wobble; each
// drawing has a size and place of its own.
type Person struct {
	Styles [10]int // indices in Styles
	Writer
}

// NewPerson draws a person at random, preferring the styles MNIST has few of when rare is set.
func NewPerson(rng *rand.Rand, rare bool) Person {
	p := Person{Writer: NewWriter(rng)}
	for d := range 10 {
		var pick []int
		for i, s := range Styles {
			if s.Digit == d && (!rare || s.Rare) {
				pick = append(pick, i)
			}
		}
		if len(pick) == 0 {
			for i, s := range Styles {
				if s.Digit == d {
					pick = append(pick, i)
				}
			}
		}
		p.Styles[d] = pick[rng.IntN(len(pick))]
	}
	return p
}

// Draw is the person writing digit d once.
func (p Person) Draw(d int, rng *rand.Rand) PeopleDigit {
	w := NewWriter(rng) // a new size and place
	w.Slant, w.Width, w.Wobble = p.Slant, p.Width, p.Wobble
	return PeopleDigit{Style: p.Styles[d], Label: d, Strokes: w.Strokes(Styles[p.Styles[d]], rng)}
}

// Example is the drawing as a taught example: the 28×28 image the pad makes of it.
func (d PeopleDigit) Example() (Example, error) {
	return ExampleOf(d.Strokes, d.Label)
}

// ExampleOf makes strokes on the pad (pad pixels) into a taught example of label: the 28×28
// image the pad makes of them, centred like MNIST.
func ExampleOf(strokes []Stroke, label int) (Example, error) {
	x, err := digit.Preprocess(digit.Gray(Ink(strokes)), PadSide, PadSide)
	if err != nil {
		return Example{}, err
	}
	img := make([]byte, len(x))
	for i, v := range x {
		img[i] = byte(math.Round(float64(v) * 255))
	}
	return Example{Digit: label, Image: img}, nil
}

// peopleSet is n of people's digits for training: digit i is style i mod len(Styles), written by
// a writer drawn from the seed, the epoch and i (new ones every epoch, the same natively and in
// wasm), drawn on the pad and prepared as the pad prepares a drawing.
type peopleSet struct {
	n      int
	deskew bool
	seed   uint64
	epoch  func() int
}

func (s *peopleSet) Len() int        { return s.n }
func (s *peopleSet) InputSize() int  { return ImageSize }
func (s *peopleSet) Label(i int) int { return Styles[i%len(Styles)].Digit }

func (s *peopleSet) Input(i int, x []float32) {
	rng := mathf.NewRand(s.seed*0x2545f4914f6cdd1d ^ uint64(s.epoch())*0xbf58476d1ce4e5b9 ^ uint64(i)*0x94d049bb133111eb)
	style := Styles[i%len(Styles)]
	img, err := digit.Preprocess(digit.Gray(Ink(NewWriter(rng).Strokes(style, rng))), PadSide, PadSide)
	if err != nil { // no ink (cannot happen with these strokes): a blank image
		clear(x[:ImageSize])
		return
	}
	if s.deskew {
		digit.DeskewInto(x[:ImageSize], img)
		return
	}
	copy(x, img)
}

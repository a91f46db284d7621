package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"somehow/core/mathf"
)

// Points is a labelled set of 2D points, the playground's data. Coordinates lie roughly in
// [-1, 1]. It implements nn.Samples.
type Points struct {
	XY      []float32 // x0, y0, x1, y1, ...
	Labels  []int
	Classes int
}

// Kinds of toy data, in the order the playground lists them.
var Kinds = []string{"linear", "xor", "circles", "gaussians", "spiral", "moons"}

// MaxPoints caps how many points a toy set may have.
const MaxPoints = 100000

// Generate makes n points of the given kind with classes classes, Gaussian noise of standard
// deviation noise (in units of the [-1, 1] square; 0 to 1), all drawn from seed.
//
//   - linear: one blob per class, the blobs linearly separable;
//   - xor: the four quadrants, opposite ones alike (2 classes only);
//   - circles: concentric rings, one per class;
//   - gaussians: overlapping Gaussian clouds, one per class;
//   - spiral: interleaved spiral arms, one per class;
//   - moons: two interleaving half-moons (2 classes only).
func Generate(kind string, n, classes int, noise float64, seed uint64) (*Points, error) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	if n < 1 || n > MaxPoints {
		return nil, fmt.Errorf("the number of points must be between 1 and %d, not %d", MaxPoints, n)
	}
	if classes < 2 || classes > 8 {
		return nil, fmt.Errorf("the number of classes must be between 2 and 8, not %d", classes)
	}
	if math.IsNaN(noise) || noise < 0 || noise > 1 {
		return nil, fmt.Errorf("noise must be between 0 and 1, not %g", noise)
	}
	if (kind == "xor" || kind == "moons") && classes != 2 {
		return nil, fmt.Errorf("%s data has exactly 2 classes", kind)
	}
	rng := mathf.NewRand(seed)
	p := &Points{Classes: classes, XY: make([]float32, 0, 2*n), Labels: make([]int, 0, n)}
	gen, ok := generators[kind]
	if !ok {
		return nil, fmt.Errorf("unknown data %q: use one of %s", kind, strings.Join(Kinds, ", "))
	}
	for i := range n {
		label := i % classes
		x, y := gen(rng, label, classes)
		x += noise * mathf.Normal(rng)
		y += noise * mathf.Normal(rng)
		p.Add(float32(x), float32(y), label)
	}
	return p, nil
}

// generators place one point of a class, before noise.
var generators = map[string]func(rng *rand.Rand, label, classes int) (x, y float64){
	"linear": func(rng *rand.Rand, label, classes int) (float64, float64) {
		// Blob centres on a circle; the spread leaves clear straight gaps between them.
		a := 2*math.Pi*float64(label)/float64(classes) + math.Pi/4
		spread := 0.35 * math.Sin(math.Pi/float64(classes))
		return 0.6*math.Cos(a) + spread*mathf.Normal(rng)/2, 0.6*math.Sin(a) + spread*mathf.Normal(rng)/2
	},
	"xor": func(rng *rand.Rand, label, _ int) (float64, float64) {
		// Keep a small margin around the axes so the noise-free set is cleanly labelled.
		x := 0.1 + 0.9*rng.Float64()
		y := 0.1 + 0.9*rng.Float64()
		if rng.IntN(2) == 0 {
			x, y = -x, -y
		}
		if label == 1 {
			x = -x
		}
		return x, y
	},
	"circles": func(rng *rand.Rand, label, classes int) (float64, float64) {
		a := 2 * math.Pi * rng.Float64()
		r := (float64(label) + 0.2 + 0.6*rng.Float64()) / float64(classes)
		return r * math.Cos(a), r * math.Sin(a)
	},
	"gaussians": func(rng *rand.Rand, label, classes int) (float64, float64) {
		a := 2*math.Pi*float64(label)/float64(classes) + math.Pi/4
		return 0.35*math.Cos(a) + 0.3*mathf.Normal(rng), 0.35*math.Sin(a) + 0.3*mathf.Normal(rng)
	},
	"spiral": func(rng *rand.Rand, label, classes int) (float64, float64) {
		t := rng.Float64() // position along the arm
		r := 0.05 + 0.9*t
		a := 1.75*2*math.Pi*t + 2*math.Pi*float64(label)/float64(classes)
		return r * math.Cos(a), r * math.Sin(a)
	},
	"moons": func(rng *rand.Rand, label, _ int) (float64, float64) {
		a := math.Pi * rng.Float64()
		if label == 0 {
			return math.Cos(a)*0.6 - 0.3, math.Sin(a)*0.6 - 0.15
		}
		return 0.3 - math.Cos(a)*0.6, 0.15 - math.Sin(a)*0.6
	},
}

// Add appends one point.
func (p *Points) Add(x, y float32, label int) {
	p.XY = append(p.XY, x, y)
	p.Labels = append(p.Labels, label)
}

// Remove deletes point i.
func (p *Points) Remove(i int) {
	p.XY = append(p.XY[:2*i], p.XY[2*i+2:]...)
	p.Labels = append(p.Labels[:i], p.Labels[i+1:]...)
}

// Len is the number of points.
func (p *Points) Len() int { return len(p.Labels) }

// InputSize is 2.
func (p *Points) InputSize() int { return 2 }

// Input writes point i's coordinates.
func (p *Points) Input(i int, x []float32) { x[0], x[1] = p.XY[2*i], p.XY[2*i+1] }

// Label is point i's class.
func (p *Points) Label(i int) int { return p.Labels[i] }

// Split deals the points into a training and a test set, testFraction of them (0 to 1) to the
// test set, chosen at random from seed.
func (p *Points) Split(testFraction float64, seed uint64) (train, test *Points) {
	train = &Points{Classes: p.Classes}
	test = &Points{Classes: p.Classes}
	order := mathf.NewRand(seed).Perm(p.Len())
	nTest := int(math.Round(testFraction * float64(p.Len())))
	for k, i := range order {
		dst := train
		if k < nTest {
			dst = test
		}
		dst.Add(p.XY[2*i], p.XY[2*i+1], p.Labels[i])
	}
	return train, test
}

package lessons

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"somehow/core/nn"
)

// Sigmoid is one term of a sum of sigmoids: Height · σ(Steepness · (x − Position)).
type Sigmoid struct {
	Position  float64 `json:"position"`
	Steepness float64 `json:"steepness"`
	Height    float64 `json:"height"`
}

// At evaluates the term.
func (s Sigmoid) At(x float64) float64 {
	return s.Height / (1 + math.Exp(-s.Steepness*(x-s.Position)))
}

// Point is a point of a hand-drawn target curve.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Targets are the curves a student can pick to approximate, on x in [-1, 1].
var Targets = []string{"sine", "step", "bump", "abs", "custom"}

// target returns the named target function; custom interpolates the given points.
func target(name string, custom []Point) (func(float64) float64, error) {
	switch name {
	case "sine":
		return func(x float64) float64 { return 0.8 * math.Sin(3*x) }, nil
	case "step":
		return func(x float64) float64 {
			if x > 0.2 {
				return 0.7
			}
			return -0.3
		}, nil
	case "bump":
		return func(x float64) float64 { return math.Exp(-12 * x * x) }, nil
	case "abs":
		return func(x float64) float64 { return math.Abs(x) - 0.5 }, nil
	case "custom":
		if len(custom) < 2 || len(custom) > 500 {
			return nil, errors.New("draw between 2 and 500 points for your own curve")
		}
		pts := append([]Point(nil), custom...)
		sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
		for _, p := range pts {
			if !finite(p.X) || !finite(p.Y) || math.Abs(p.X) > 1 || math.Abs(p.Y) > 2 {
				return nil, errors.New("your curve's points must lie within x in [-1, 1], y in [-2, 2]")
			}
		}
		return func(x float64) float64 {
			i := sort.Search(len(pts), func(i int) bool { return pts[i].X >= x })
			switch {
			case i == 0:
				return pts[0].Y
			case i == len(pts):
				return pts[len(pts)-1].Y
			}
			a, b := pts[i-1], pts[i]
			if b.X == a.X {
				return b.Y
			}
			return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
		}, nil
	}
	return nil, fmt.Errorf("unknown target %q: use one of sine, step, bump, abs, custom", name)
}

// Approximation is a sum of sigmoids plus an offset, compared with a target.
type Approximation struct {
	X             []float64   `json:"x"`
	Target        []float64   `json:"target"`
	Sum           []float64   `json:"sum"`
	Contributions [][]float64 `json:"contributions"` // one curve per sigmoid
	Sigmoids      []Sigmoid   `json:"sigmoids"`
	Offset        float64     `json:"offset"`
	// Score is 1 − (squared error of the sum)/(squared error of the target's mean): 1 is a
	// perfect fit, 0 no better than a flat line.
	Score float64 `json:"score"`
}

const approxSamples = 201

// Approximate draws the sum of the given sigmoids against the target.
func Approximate(targetName string, custom []Point, sigmoids []Sigmoid, offset float64) (Approximation, error) {
	f, err := target(targetName, custom)
	if err != nil {
		return Approximation{}, err
	}
	if len(sigmoids) > 32 {
		return Approximation{}, errors.New("at most 32 sigmoids")
	}
	for _, s := range sigmoids {
		if !finite(s.Position) || !finite(s.Steepness) || !finite(s.Height) || math.Abs(s.Steepness) > 1000 || math.Abs(s.Height) > 100 {
			return Approximation{}, errors.New("sigmoid settings must be numbers (steepness within ±1000, height within ±100)")
		}
	}
	a := Approximation{Sigmoids: sigmoids, Offset: offset, Contributions: make([][]float64, len(sigmoids))}
	for i := range approxSamples {
		x := -1 + 2*float64(i)/float64(approxSamples-1)
		a.X = append(a.X, x)
		t := f(x)
		a.Target = append(a.Target, t)
		sum := offset
		for k, s := range sigmoids {
			v := s.At(x)
			a.Contributions[k] = append(a.Contributions[k], v)
			sum += v
		}
		a.Sum = append(a.Sum, sum)
	}
	a.score()
	return a, nil
}

// score sets Score from Sum and Target.
func (a *Approximation) score() {
	var mean float64
	for _, t := range a.Target {
		mean += t
	}
	mean /= float64(len(a.Target))
	var errSum, varSum float64
	for i := range a.X {
		errSum += (a.Sum[i] - a.Target[i]) * (a.Sum[i] - a.Target[i])
		varSum += (a.Target[i] - mean) * (a.Target[i] - mean)
	}
	a.Score = 1 - errSum/math.Max(varSum, 1e-12)
}

// Fit is a 1-N-1 network (sigmoid hidden layer, linear output, MSE) learning a target curve.
// Each hidden neuron is one sigmoid of the sum: its input weight is the steepness, −bias/weight
// the position, and its output weight the height.
type Fit struct {
	target  string
	custom  []Point
	samples curveSamples
	net     *nn.Network
	trainer *nn.Trainer
	Epochs  int
}

// curveSamples are the target's values as regression examples (nn.Samples and nn.Targets).
type curveSamples struct{ x, y []float32 }

func (c curveSamples) Len() int                  { return len(c.x) }
func (c curveSamples) InputSize() int            { return 1 }
func (c curveSamples) Input(i int, x []float32)  { x[0] = c.x[i] }
func (c curveSamples) Label(int) int             { return -1 }
func (c curveSamples) Target(i int, t []float32) { t[0] = c.y[i] }

// NewFit starts a network of n sigmoids on the target, from seed.
func NewFit(targetName string, custom []Point, n int, seed uint64) (*Fit, error) {
	f, err := target(targetName, custom)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > 32 {
		return nil, errors.New("between 1 and 32 sigmoids")
	}
	arch := nn.Architecture{Inputs: 1, Loss: nn.MSE, Layers: []nn.LayerSpec{{Units: n, Activation: nn.Sigmoid}, {Units: 1, Activation: nn.Linear}}}
	// Uniform weights of scale 5 spread the sigmoids' positions across the interval.
	net, err := nn.New(arch, nn.Init{Kind: nn.Uniform, Scale: 5}, seed)
	if err != nil {
		return nil, err
	}
	var s curveSamples
	for i := range approxSamples {
		x := -1 + 2*float64(i)/float64(approxSamples-1)
		s.x = append(s.x, float32(x))
		s.y = append(s.y, float32(f(x)))
	}
	tr, err := nn.NewTrainer(net, &nn.Optimizer{Kind: nn.Adam, LearningRate: 0.05}, 32, seed)
	if err != nil {
		return nil, err
	}
	return &Fit{target: targetName, custom: custom, samples: s, net: net, trainer: tr}, nil
}

// Train runs epochs more epochs.
func (f *Fit) Train(epochs int) error {
	for range epochs {
		if _, err := f.trainer.Epoch(f.samples, nil); err != nil {
			return err
		}
		f.Epochs++
	}
	return nil
}

// Decompose reads the network as a sum of sigmoids and draws it against the target.
func (f *Fit) Decompose() (Approximation, error) {
	hidden, out := f.net.Layers[0], f.net.Layers[1]
	sigmoids := make([]Sigmoid, hidden.Units)
	for j := range sigmoids {
		w, b := float64(hidden.Weights[j]), float64(hidden.Biases[j])
		pos := 0.0
		if w != 0 {
			pos = -b / w
		}
		sigmoids[j] = Sigmoid{Position: pos, Steepness: w, Height: float64(out.Weights[j])}
	}
	a, err := Approximate(f.target, f.custom, sigmoids, float64(out.Biases[0]))
	if err != nil {
		return a, err
	}
	// The network's own outputs, so the drawn sum is exactly what it computes.
	for i, x := range a.X {
		a.Sum[i] = float64(f.net.Predict([]float32{float32(x)})[0])
	}
	a.score()
	return a, nil
}

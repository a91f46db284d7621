package nn

import (
	"fmt"
	"math"
	"strings"

	"somehow/core/linalg"
)

// OptimizerKind names a rule for turning gradients into weight changes.
type OptimizerKind int

const (
	// SGD is stochastic gradient descent: w -= η ∂C/∂w, with optional momentum and the paper's
	// learning-rate decay.
	SGD OptimizerKind = iota
	// Adam keeps running averages of the gradient and its square, and steps by their ratio.
	Adam
)

var optimizerNames = [...]string{"sgd", "adam"}

// String returns the optimiser's lower-case name.
func (k OptimizerKind) String() string {
	if k < 0 || int(k) >= len(optimizerNames) {
		return fmt.Sprintf("OptimizerKind(%d)", int(k))
	}
	return optimizerNames[k]
}

// MarshalText writes the optimiser's name.
func (k OptimizerKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads an optimiser's name.
func (k *OptimizerKind) UnmarshalText(b []byte) error {
	kind, err := ParseOptimizer(string(b))
	if err == nil {
		*k = kind
	}
	return err
}

// ParseOptimizer reads an optimiser's name: sgd or adam.
func ParseOptimizer(name string) (OptimizerKind, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	for i, n := range optimizerNames {
		if n == s {
			return OptimizerKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown optimiser %q: use sgd or adam", name)
}

// Optimizer updates a network's weights from its gradients after every batch.
type Optimizer struct {
	Kind OptimizerKind `json:"kind"`
	// LearningRate is η, the size of each step.
	LearningRate float32 `json:"learningRate"`
	// Decay shrinks the learning rate as the paper's code does: after t steps it is
	// η / (1 + sqrt(Decay·t)). 0 keeps it constant.
	Decay float32 `json:"decay,omitempty"`
	// Momentum (SGD only) keeps this fraction of the previous step: v = μv - η∂C/∂w; w += v.
	Momentum float32 `json:"momentum,omitempty"`
	// WeightDecay adds WeightDecay·w to every weight's gradient (L2 regularisation; biases are
	// left alone).
	WeightDecay float32 `json:"weightDecay,omitempty"`
	// Beta1, Beta2 and Epsilon are Adam's; 0 means the usual 0.9, 0.999 and 1e-8.
	Beta1   float32 `json:"beta1,omitempty"`
	Beta2   float32 `json:"beta2,omitempty"`
	Epsilon float32 `json:"epsilon,omitempty"`

	steps int
	// state holds one slice per parameter tensor: SGD's velocity, or Adam's first then second
	// moments.
	state [][]float32
}

// Validate checks the settings, with a sentence to act on.
func (o *Optimizer) Validate() error {
	bad := func(v float32) bool { return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) }
	switch {
	case o.Kind != SGD && o.Kind != Adam:
		return fmt.Errorf("unknown optimiser %d", int(o.Kind))
	case bad(o.LearningRate) || o.LearningRate <= 0 || o.LearningRate > 100:
		return fmt.Errorf("the learning rate must be above 0 and at most 100, not %g", o.LearningRate)
	case bad(o.Decay) || o.Decay < 0:
		return fmt.Errorf("the learning-rate decay must be 0 or more, not %g", o.Decay)
	case bad(o.Momentum) || o.Momentum < 0 || o.Momentum >= 1:
		return fmt.Errorf("momentum must be at least 0 and below 1, not %g", o.Momentum)
	case bad(o.WeightDecay) || o.WeightDecay < 0 || o.WeightDecay >= 1:
		return fmt.Errorf("weight decay must be at least 0 and below 1, not %g", o.WeightDecay)
	case bad(o.Beta1) || o.Beta1 < 0 || o.Beta1 >= 1, bad(o.Beta2) || o.Beta2 < 0 || o.Beta2 >= 1:
		return fmt.Errorf("Adam's betas must be at least 0 and below 1")
	case bad(o.Epsilon) || o.Epsilon < 0:
		return fmt.Errorf("Adam's epsilon must be 0 or more")
	}
	return nil
}

// CurrentLearningRate is the learning rate the next step will use, after decay.
func (o *Optimizer) CurrentLearningRate() float32 {
	if o.Decay == 0 {
		return o.LearningRate
	}
	return float32(float64(o.LearningRate) / (1 + math.Sqrt(float64(o.Decay)*float64(o.steps))))
}

// Step moves every weight and bias of net against its gradient (from the last Backward).
func (o *Optimizer) Step(net *Network) {
	lr := o.CurrentLearningRate()
	params := net.Params()
	per := 1 // state slices per parameter: SGD's velocity, or Adam's two moments
	if o.Kind == Adam {
		per = 2
	}
	if o.state == nil {
		for _, p := range params {
			for range per {
				o.state = append(o.state, make([]float32, len(p.Value)))
			}
		}
	}
	o.steps++
	for i, p := range params {
		if o.WeightDecay != 0 && p.Decays {
			for j, w := range p.Value {
				p.Grad[j] += o.WeightDecay * w
			}
		}
		switch o.Kind {
		case SGD:
			o.sgd(p.Value, p.Grad, o.state[i], lr)
		case Adam:
			o.adam(p.Value, p.Grad, o.state[2*i], o.state[2*i+1], lr)
		}
	}
}

// The update loops go eight (Adam: four) at a time: in WebAssembly a loop's every turn costs
// about 6 ns (linalg.Add), as much as the arithmetic of a whole window.

func (o *Optimizer) sgd(w, g, v []float32, lr float32) {
	g, v = g[:len(w)], v[:len(w)]
	if o.Momentum == 0 {
		linalg.Axpy(-lr, g, w) // w - lr·g and w + (-lr)·g are the same bits
		return
	}
	mu := o.Momentum
	for len(w) >= 8 {
		ws, gs, vs := w[:8:8], g[:8:8], v[:8:8]
		vs[0] = float32(mu*vs[0]) - float32(lr*gs[0])
		ws[0] += vs[0]
		vs[1] = float32(mu*vs[1]) - float32(lr*gs[1])
		ws[1] += vs[1]
		vs[2] = float32(mu*vs[2]) - float32(lr*gs[2])
		ws[2] += vs[2]
		vs[3] = float32(mu*vs[3]) - float32(lr*gs[3])
		ws[3] += vs[3]
		vs[4] = float32(mu*vs[4]) - float32(lr*gs[4])
		ws[4] += vs[4]
		vs[5] = float32(mu*vs[5]) - float32(lr*gs[5])
		ws[5] += vs[5]
		vs[6] = float32(mu*vs[6]) - float32(lr*gs[6])
		ws[6] += vs[6]
		vs[7] = float32(mu*vs[7]) - float32(lr*gs[7])
		ws[7] += vs[7]
		w, g, v = w[8:], g[8:], v[8:]
	}
	for j := range w {
		v[j] = float32(mu*v[j]) - float32(lr*g[j])
		w[j] += v[j]
	}
}

func (o *Optimizer) adam(w, g, m, v []float32, lr float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	b1, b2, eps := or(o.Beta1, 0.9), or(o.Beta2, 0.999), or(o.Epsilon, 1e-8)
	// Bias correction folded into the step size.
	t := float64(o.steps)
	step := float64(lr) * math.Sqrt(1-math.Pow(float64(b2), t)) / (1 - math.Pow(float64(b1), t))
	for len(w) >= 4 {
		ws, gs, ms, vs := w[:4:4], g[:4:4], m[:4:4], v[:4:4]
		ws[0] -= adamStep(gs[0], &ms[0], &vs[0], b1, b2, eps, step)
		ws[1] -= adamStep(gs[1], &ms[1], &vs[1], b1, b2, eps, step)
		ws[2] -= adamStep(gs[2], &ms[2], &vs[2], b1, b2, eps, step)
		ws[3] -= adamStep(gs[3], &ms[3], &vs[3], b1, b2, eps, step)
		w, g, m, v = w[4:], g[4:], m[4:], v[4:]
	}
	for j := range w {
		w[j] -= adamStep(g[j], &m[j], &v[j], b1, b2, eps, step)
	}
}

// adamStep updates one weight's moments m and v with its gradient g and returns its step.
func adamStep(g float32, m, v *float32, b1, b2, eps float32, step float64) float32 {
	*m = float32(b1**m) + float32((1-b1)*g)
	*v = float32(b2**v) + float32(float32((1-b2)*g)*g)
	return float32(step * float64(*m) / (math.Sqrt(float64(*v)) + float64(eps)))
}

func or(v, fallback float32) float32 {
	if v == 0 {
		return fallback
	}
	return v
}

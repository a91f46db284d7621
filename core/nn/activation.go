package nn

import (
	"fmt"
	"math"
	"strings"

	"somehow/core/mathf"
)

// Activation is the function a neuron passes its weighted sum through.
type Activation int

// The activations. Step is the perceptron's; it has no useful derivative (zero almost everywhere),
// which is exactly why gradient descent needs the others.
const (
	Linear Activation = iota
	Step
	Sigmoid
	Tanh
	ReLU
	LeakyReLU
	Softmax
)

// leakySlope is the slope of LeakyReLU for negative weighted sums.
const leakySlope = 0.01

// activation is one row of the table below: an activation's name, its value and derivative for
// one weighted sum, and its batch loops (one call a layer, so no call per element in wasm).
type activation struct {
	name string
	// lo and hi bound the activation's outputs (±Inf where it has no bound).
	lo, hi float64
	// hidden: gradient descent can train it in a hidden layer; classes: its outputs read as
	// class scores (an output layer for classification).
	hidden, classes bool
	value           func(s float32) float32    // nil for softmax, which needs the whole layer
	derivative      func(s, y float32) float32 // nil for softmax, whose Jacobian is full
	forward         func(s, y []float32, rows, cols int)
	backward        func(s, y, dy, ds []float32, rows, cols int)
}

var activations = [...]activation{
	Linear: {name: "linear", lo: math.Inf(-1), hi: math.Inf(1), hidden: true, classes: false,
		value: func(s float32) float32 { return s }, derivative: func(_, _ float32) float32 { return 1 },
		forward:  func(s, y []float32, _, _ int) { copy(y, s) },
		backward: func(_, _, dy, ds []float32, _, _ int) { copy(ds, dy) }},
	Step: {name: "step", lo: 0, hi: 1, hidden: false, classes: false,
		value: func(s float32) float32 {
			if s > 0 {
				return 1
			}
			return 0
		},
		// Zero, its true derivative everywhere but at 0: why gradient descent needs the others.
		derivative: func(_, _ float32) float32 { return 0 }},
	Sigmoid: {name: "sigmoid", lo: 0, hi: 1, hidden: true, classes: true,
		value: sigmoid, derivative: func(_, y float32) float32 { return y * (1 - y) },
		forward: func(s, y []float32, _, _ int) { sigmoidSlice(s, y) },
		backward: func(_, y, dy, ds []float32, _, _ int) {
			for i, v := range y {
				ds[i] = dy[i] * (v * (1 - v))
			}
		}},
	Tanh: {name: "tanh", lo: -1, hi: 1, hidden: true, classes: false,
		value: tanh, derivative: func(_, y float32) float32 { return 1 - y*y },
		forward: func(s, y []float32, _, _ int) { tanhSlice(s, y) },
		backward: func(_, y, dy, ds []float32, _, _ int) {
			for i, v := range y {
				ds[i] = dy[i] * (1 - v*v)
			}
		}},
	ReLU: {name: "relu", lo: 0, hi: math.Inf(1), hidden: true, classes: false,
		value: func(s float32) float32 { return max(s, 0) },
		// At exactly 0 the slope is taken as 0.
		derivative: func(s, _ float32) float32 {
			if s > 0 {
				return 1
			}
			return 0
		},
		forward: func(s, y []float32, _, _ int) {
			// Eight at a time: in WebAssembly a loop's every turn costs about 6 ns (linalg.Add).
			for len(s) >= 8 {
				ss, ys := s[:8:8], y[:8:8]
				ys[0], ys[1], ys[2], ys[3] = relu(ss[0]), relu(ss[1]), relu(ss[2]), relu(ss[3])
				ys[4], ys[5], ys[6], ys[7] = relu(ss[4]), relu(ss[5]), relu(ss[6]), relu(ss[7])
				s, y = s[8:], y[8:]
			}
			for i, v := range s {
				y[i] = relu(v)
			}
		},
		backward: func(s, _, dy, ds []float32, _, _ int) {
			for len(s) >= 8 {
				ss, dys, dss := s[:8:8], dy[:8:8], ds[:8:8]
				dss[0], dss[1], dss[2], dss[3] = reluGrad(ss[0], dys[0]), reluGrad(ss[1], dys[1]), reluGrad(ss[2], dys[2]), reluGrad(ss[3], dys[3])
				dss[4], dss[5], dss[6], dss[7] = reluGrad(ss[4], dys[4]), reluGrad(ss[5], dys[5]), reluGrad(ss[6], dys[6]), reluGrad(ss[7], dys[7])
				s, dy, ds = s[8:], dy[8:], ds[8:]
			}
			for i, v := range s {
				ds[i] = reluGrad(v, dy[i])
			}
		}},
	LeakyReLU: {name: "leakyrelu", lo: math.Inf(-1), hi: math.Inf(1), hidden: true, classes: false,
		value: func(s float32) float32 {
			if s > 0 {
				return s
			}
			return float32(leakySlope * s)
		},
		derivative: func(s, _ float32) float32 {
			if s > 0 {
				return 1
			}
			return leakySlope
		}},
	Softmax: {name: "softmax", lo: 0, hi: 1, hidden: false, classes: true,
		forward: func(s, y []float32, rows, cols int) {
			for r := 0; r < rows; r++ {
				softmaxRow(s[r*cols:(r+1)*cols], y[r*cols:(r+1)*cols])
			}
		},
		// ds_i = y_i (dy_i - Σ_j dy_j y_j)
		backward: func(_, y, dy, ds []float32, rows, cols int) {
			for r := 0; r < rows; r++ {
				yr, dyr, dsr := y[r*cols:(r+1)*cols], dy[r*cols:(r+1)*cols], ds[r*cols:(r+1)*cols]
				var dot float32
				for j := range yr {
					dot += dyr[j] * yr[j]
				}
				for j := range yr {
					dsr[j] = yr[j] * (dyr[j] - dot)
				}
			}
		}},
}

// String returns the activation's lower-case name, as used in flags, model files and the page.
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activations) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activations[a].name
}

// Range is the interval the activation's outputs lie in (±Inf where it has no bound).
func (a Activation) Range() (lo, hi float64) { return activations[a].lo, activations[a].hi }

// Hidden reports whether gradient descent can train the activation in a hidden layer (not the
// step, whose derivative is zero, nor softmax, which ties a layer's neurons together).
func (a Activation) Hidden() bool { return activations[a].hidden }

// Classes reports whether the activation's outputs read as class scores: sigmoid or softmax, the
// output layers a classifier uses.
func (a Activation) Classes() bool { return activations[a].classes }

// ActivationInfo is one activation as the page lists it: its name, its range (nil where it has
// no bound) and where it may be used.
type ActivationInfo struct {
	Name    string   `json:"name"`
	Min     *float64 `json:"min"`
	Max     *float64 `json:"max"`
	Hidden  bool     `json:"hidden"`
	Classes bool     `json:"classes"`
}

// Activations lists every activation, in the table's order.
func Activations() []ActivationInfo {
	bound := func(v float64) *float64 {
		if math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	var out []ActivationInfo
	for _, row := range activations {
		out = append(out, ActivationInfo{Name: row.name, Min: bound(row.lo), Max: bound(row.hi), Hidden: row.hidden, Classes: row.classes})
	}
	return out
}

// ParseActivation reads an activation name such as "relu" or "Sigmoid".
func ParseActivation(name string) (Activation, error) {
	lower := strings.ToLower(strings.TrimSpace(name))
	if lower == "leaky" || lower == "leaky_relu" || lower == "leaky-relu" {
		lower = "leakyrelu"
	}
	var names []string
	for i, row := range activations {
		if row.name == lower {
			return Activation(i), nil
		}
		names = append(names, row.name)
	}
	return 0, fmt.Errorf("unknown activation %q: use one of %s", name, strings.Join(names, ", "))
}

// MarshalText writes the activation's name (for JSON model headers and messages).
func (a Activation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an activation's name.
func (a *Activation) UnmarshalText(b []byte) error {
	v, err := ParseActivation(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Apply returns the activation of one weighted sum. Softmax, which needs the whole layer, is not
// defined for one value; use Forward.
func (a Activation) Apply(s float32) float32 {
	if a == Softmax {
		panic("nn: softmax needs a whole layer; use Activation.Forward")
	}
	return activations[a].value(s)
}

// Derivative returns d(activation)/d(weighted sum) at s, given y = Apply(s).
func (a Activation) Derivative(s, y float32) float32 {
	if a == Softmax {
		panic("nn: softmax has a full Jacobian; use Activation.Backward")
	}
	return activations[a].derivative(s, y)
}

// Forward writes the activations of a rows×cols batch of weighted sums s into y.
func (a Activation) Forward(s, y []float32, rows, cols int) {
	s, y = s[:rows*cols], y[:rows*cols]
	if f := activations[a].forward; f != nil {
		f(s, y, rows, cols)
		return
	}
	value := activations[a].value
	for i, v := range s {
		y[i] = value(v)
	}
}

// relu is max(s, 0), NaN and -0 included, written as a branch: in WebAssembly the builtin max
// took 12.6 ns a value, this 1.4.
func relu(s float32) float32 {
	if s > 0 || s != s {
		return s
	}
	return 0
}

// reluGrad is ∂C/∂s of a ReLU neuron with sum s whose output has gradient dy.
func reluGrad(s, dy float32) float32 {
	if s > 0 {
		return dy
	}
	return 0
}

// softmaxRow writes e**s_i / Σ e**s_j into y, shifting by the largest s so no term overflows.
func softmaxRow(s, y []float32) {
	y = y[:len(s)]
	top := s[0]
	for _, v := range s {
		top = max(top, v)
	}
	var sum float64
	for i, v := range s {
		e := mathf.Exp(float64(v - top))
		y[i] = float32(e)
		sum += e
	}
	inv := 1 / sum
	for i := range y {
		y[i] = float32(float64(y[i]) * inv)
	}
}

// Backward turns the gradient of the loss with respect to a batch of outputs (dy) into the
// gradient with respect to the weighted sums (ds), given the sums s and outputs y. This is the
// chain rule's middle factor, ∂y/∂s.
func (a Activation) Backward(s, y, dy, ds []float32, rows, cols int) {
	n := rows * cols
	s, y, dy, ds = s[:n], y[:n], dy[:n], ds[:n]
	if f := activations[a].backward; f != nil {
		f(s, y, dy, ds, rows, cols)
		return
	}
	derivative := activations[a].derivative
	for i := range s {
		ds[i] = dy[i] * derivative(s[i], y[i])
	}
}

package nn

import (
	"fmt"
	"somehow/core/mathf"
	"strings"
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

var activationNames = [...]string{"linear", "step", "sigmoid", "tanh", "relu", "leakyrelu", "softmax"}

// String returns the activation's lower-case name, as used in flags, model files and the page.
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation reads an activation name such as "relu" or "Sigmoid".
func ParseActivation(name string) (Activation, error) {
	lower := strings.ToLower(strings.TrimSpace(name))
	if lower == "leaky" || lower == "leaky_relu" || lower == "leaky-relu" {
		lower = "leakyrelu"
	}
	for i, n := range activationNames {
		if n == lower {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q: use one of %s", name, strings.Join(activationNames[:], ", "))
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
	switch a {
	case Step:
		if s > 0 {
			return 1
		}
		return 0
	case Sigmoid:
		return sigmoid(s)
	case Tanh:
		return tanh(s)
	case ReLU:
		return max(s, 0)
	case LeakyReLU:
		if s > 0 {
			return s
		}
		return float32(leakySlope * s)
	case Softmax:
		panic("nn: softmax needs a whole layer; use Activation.Forward")
	}
	return s
}

// Derivative returns d(activation)/d(weighted sum) at s, given y = Apply(s). Step's is 0 (its
// true derivative everywhere but at 0), ReLU's at exactly 0 is taken as 0.
func (a Activation) Derivative(s, y float32) float32 {
	switch a {
	case Step:
		return 0
	case Sigmoid:
		return y * (1 - y)
	case Tanh:
		return 1 - y*y
	case ReLU:
		if s > 0 {
			return 1
		}
		return 0
	case LeakyReLU:
		if s > 0 {
			return 1
		}
		return leakySlope
	case Softmax:
		panic("nn: softmax has a full Jacobian; use Activation.Backward")
	}
	return 1
}

// Forward writes the activations of a rows×cols batch of weighted sums s into y.
func (a Activation) Forward(s, y []float32, rows, cols int) {
	s, y = s[:rows*cols], y[:rows*cols]
	switch a {
	case Softmax:
		for r := 0; r < rows; r++ {
			softmaxRow(s[r*cols:(r+1)*cols], y[r*cols:(r+1)*cols])
		}
	case ReLU:
		for i, v := range s {
			y[i] = max(v, 0)
		}
	case Linear:
		copy(y, s)
	case Sigmoid:
		sigmoidSlice(s, y)
	case Tanh:
		tanhSlice(s, y)
	default:
		for i, v := range s {
			y[i] = a.Apply(v)
		}
	}
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
	switch a {
	case Softmax:
		// ds_i = y_i (dy_i - Σ_j dy_j y_j)
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
	case Linear:
		copy(ds, dy)
	case ReLU:
		for i, v := range s {
			if v > 0 {
				ds[i] = dy[i]
			} else {
				ds[i] = 0
			}
		}
	case Sigmoid:
		for i, v := range y {
			ds[i] = dy[i] * (v * (1 - v))
		}
	case Tanh:
		for i, v := range y {
			ds[i] = dy[i] * (1 - v*v)
		}
	default:
		for i := range s {
			ds[i] = dy[i] * a.Derivative(s[i], y[i])
		}
	}
}

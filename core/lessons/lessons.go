// Package lessons computes the numbers behind the paper's chapters as interactive figures: the
// artificial neuron, activation functions and the vanishing gradient, universal approximation by
// a sum of sigmoids, gradient descent on a curve and a surface, and backpropagation step by step.
// The page draws what these functions return; every number on screen comes from here.
package lessons

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"somehow/core/nn"
)

// Neuron is the paper's artificial neuron with three inputs and a bias.
type Neuron struct {
	Inputs     [3]float64 `json:"inputs"`
	Weights    [3]float64 `json:"weights"`
	Bias       float64    `json:"bias"`
	Activation string     `json:"activation"` // step, sigmoid, relu, tanh, linear
}

// NeuronResult is the weighted sum and the output.
type NeuronResult struct {
	Products    [3]float64 `json:"products"` // x_k · w_k
	WeightedSum float64    `json:"weightedSum"`
	Output      float64    `json:"output"`
}

// Fire computes the neuron.
func Fire(n Neuron) (NeuronResult, error) {
	act, err := nn.ParseActivation(n.Activation)
	if err != nil || act == nn.Softmax {
		return NeuronResult{}, fmt.Errorf("a neuron's activation is step, sigmoid, tanh, relu or linear, not %q", n.Activation)
	}
	var r NeuronResult
	r.WeightedSum = n.Bias
	for k := range 3 {
		if !finite(n.Inputs[k]) || !finite(n.Weights[k]) {
			return r, errors.New("inputs and weights must be numbers")
		}
		r.Products[k] = n.Inputs[k] * n.Weights[k]
		r.WeightedSum += r.Products[k]
	}
	r.Output = float64(act.Apply(float32(r.WeightedSum)))
	return r, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Curve is a function sampled at X.
type Curve struct {
	Name string `json:"name"`
	// Min and Max bound the curve over the window: the activation's own range where it has
	// one, else the values sampled.
	Min        float64   `json:"min"`
	Max        float64   `json:"max"`
	X          []float64 `json:"x"`
	Y          []float64 `json:"y"`
	Derivative []float64 `json:"derivative"`
}

// ActivationCurves samples step, sigmoid, tanh and ReLU and their derivatives on [-6, 6].
func ActivationCurves() []Curve {
	var out []Curve
	for _, a := range []nn.Activation{nn.Step, nn.Sigmoid, nn.Tanh, nn.ReLU} {
		c := Curve{Name: a.String()}
		for i := 0; i <= 240; i++ {
			x := -6 + float64(i)*0.05
			y := a.Apply(float32(x))
			c.X = append(c.X, x)
			c.Y = append(c.Y, float64(y))
			c.Derivative = append(c.Derivative, float64(a.Derivative(float32(x), y)))
		}
		c.Min, c.Max = a.Range()
		if math.IsInf(c.Min, 0) {
			c.Min = slices.Min(c.Y)
		}
		if math.IsInf(c.Max, 0) {
			c.Max = slices.Max(c.Y)
		}
		out = append(out, c)
	}
	return out
}

// VanishingGradient returns, for depth 1 to layers, the product of sigmoid derivatives a
// gradient is multiplied by on its way back, with every weighted sum at s (at s = 0 the
// derivative is largest, 0.25).
func VanishingGradient(s float64, layers int) ([]float64, error) {
	if layers < 1 || layers > 20 || !finite(s) {
		return nil, errors.New("layers must be between 1 and 20")
	}
	y := nn.Sigmoid.Apply(float32(s))
	d := float64(nn.Sigmoid.Derivative(float32(s), y))
	out := make([]float64, layers)
	p := 1.0
	for i := range out {
		p *= d
		out[i] = p
	}
	return out, nil
}

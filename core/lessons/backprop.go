package lessons

import (
	"errors"

	"somehow/core/nn"
)

// Backprop is the paper's 6-neuron network (2 inputs, 2 hidden, 2 outputs, sigmoid, MSE) with
// every number of one training step: the forward pass, each layer's chain-rule factors, the
// gradients, the same gradients by finite differences, and the updated weights.
type Backprop struct {
	Input  [2]float64 `json:"input"`
	Target [2]float64 `json:"target"`
	// Weights[l][i][j] connects neuron i of layer l's input to its neuron j; Biases[l][j].
	Weights      [2][2][2]float64 `json:"weights"`
	Biases       [2][2]float64    `json:"biases"`
	LearningRate float64          `json:"learningRate"`

	Sums    [2][2]float64 `json:"sums"`    // s, per layer
	Outputs [2][2]float64 `json:"outputs"` // y = σ(s), per layer
	Loss    float64       `json:"loss"`
	// The chain rule's factors: ∂C/∂y, ∂y/∂s = σ'(s), and their product ∂C/∂s, per layer.
	DLossDOutput [2][2]float64 `json:"dLossDOutput"`
	DOutputDSum  [2][2]float64 `json:"dOutputDSum"`
	DLossDSum    [2][2]float64 `json:"dLossDSum"`
	// ∂C/∂w = ∂C/∂s · (the input the weight multiplies), by backpropagation and by central
	// differences of the loss.
	Gradients       [2][2][2]float64 `json:"gradients"`
	BiasGradients   [2][2]float64    `json:"biasGradients"`
	NumericGradient [2][2][2]float64 `json:"numericGradients"`
	// After w' = w − η ∂C/∂w.
	NewWeights [2][2][2]float64 `json:"newWeights"`
	NewLoss    float64          `json:"newLoss"`
}

// DefaultBackprop is a small example with round numbers.
func DefaultBackprop() Backprop {
	return Backprop{
		Input: [2]float64{0.5, 0.9}, Target: [2]float64{1, 0}, LearningRate: 0.5,
		Weights: [2][2][2]float64{{{0.4, -0.6}, {0.7, 0.2}}, {{0.3, 0.8}, {-0.5, 0.1}}},
		Biases:  [2][2]float64{{0.1, -0.1}, {0.2, 0}},
	}
}

func (b *Backprop) network() (*nn.Network, error) {
	arch, err := nn.ParseArchitecture("2-2-2", nn.Sigmoid, nn.Sigmoid, nn.MSE)
	if err != nil {
		return nil, err
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.Constant}, 0)
	if err != nil {
		return nil, err
	}
	for l, d := range net.Layers {
		for i := range 2 {
			for j := range 2 {
				if !finite(b.Weights[l][i][j]) {
					return nil, errors.New("weights must be numbers")
				}
				d.Weights[i*2+j] = float32(b.Weights[l][i][j])
			}
		}
		for j := range 2 {
			d.Biases[j] = float32(b.Biases[l][j])
		}
	}
	return net, nil
}

// Step computes one training step with every intermediate number.
func Step(b Backprop) (Backprop, error) {
	if !finite(b.LearningRate) || b.LearningRate <= 0 || b.LearningRate > 100 {
		return b, errors.New("the learning rate must be above 0 and at most 100")
	}
	net, err := b.network()
	if err != nil {
		return b, err
	}
	x := []float32{float32(b.Input[0]), float32(b.Input[1])}
	t := []float32{float32(b.Target[0]), float32(b.Target[1])}
	net.Forward(x, 1)
	b.Loss = net.Loss(t)
	net.Backward(t)
	for l, d := range net.Layers {
		for j := range 2 {
			b.Sums[l][j] = float64(d.Sums()[j])
			b.Outputs[l][j] = float64(d.Outputs()[j])
			b.DOutputDSum[l][j] = b.Outputs[l][j] * (1 - b.Outputs[l][j])
			b.DLossDSum[l][j] = float64(d.SumGrads()[j])
			b.BiasGradients[l][j] = float64(d.BiasGrads[j])
			for i := range 2 {
				b.Gradients[l][i][j] = float64(d.WeightGrads[i*2+j])
			}
		}
	}
	// ∂C/∂y: for the output layer from the loss, (y − ŷ)/n; for the hidden layer, what the
	// output layer sends back, Σ_j w_ij ∂C/∂s_j.
	for j := range 2 {
		b.DLossDOutput[1][j] = (b.Outputs[1][j] - b.Target[j]) / 2
	}
	for i := range 2 {
		b.DLossDOutput[0][i] = b.Weights[1][i][0]*b.DLossDSum[1][0] + b.Weights[1][i][1]*b.DLossDSum[1][1]
	}
	// The check: central differences of the loss itself.
	const h = 1e-3
	for l, d := range net.Layers {
		for k := range d.Weights {
			orig := d.Weights[k]
			d.Weights[k] = orig + h
			net.Forward(x, 1)
			up := net.Loss(t)
			d.Weights[k] = orig - h
			net.Forward(x, 1)
			down := net.Loss(t)
			d.Weights[k] = orig
			b.NumericGradient[l][k/2][k%2] = (up - down) / (2 * h)
		}
	}
	for l := range 2 {
		for i := range 2 {
			for j := range 2 {
				b.NewWeights[l][i][j] = b.Weights[l][i][j] - b.LearningRate*b.Gradients[l][i][j]
			}
		}
	}
	after := b
	after.Weights = b.NewWeights
	for l := range 2 {
		for j := range 2 {
			after.Biases[l][j] = b.Biases[l][j] - b.LearningRate*b.BiasGradients[l][j]
		}
	}
	if net2, err := after.network(); err == nil {
		net2.Forward(x, 1)
		b.NewLoss = net2.Loss(t)
	}
	return b, nil
}

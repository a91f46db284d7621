package nn

import (
	"fmt"
	"math/rand/v2"
	"somehow/core/mathf"
)

// Perceptron is Rosenblatt's classifier: a weighted sum plus bias through a step. It learns with
// its own rule, not gradient descent: on a mistake, move the weights toward the example. With two
// classes it is the single neuron of the paper; with more it keeps one weight vector per class and
// picks the largest weighted sum.
//
// On linearly separable data the rule finds a separating line in finitely many mistakes; on XOR
// no line exists, and it never stops making them.
type Perceptron struct {
	Inputs, Classes int
	// Weights has one row of Inputs weights per output unit (1 unit for 2 classes, else Classes).
	Weights      []float32
	Biases       []float32
	LearningRate float32

	rng   *rand.Rand
	order []int
}

// NewPerceptron makes a perceptron with zero weights (the rule needs no random start) whose
// example order is shuffled from seed.
func NewPerceptron(inputs, classes int, learningRate float32, seed uint64) (*Perceptron, error) {
	if inputs < 1 || inputs > MaxUnits {
		return nil, fmt.Errorf("a perceptron needs between 1 and %d inputs, not %d", MaxUnits, inputs)
	}
	if classes < 2 || classes > 256 {
		return nil, fmt.Errorf("a perceptron separates between 2 and 256 classes, not %d", classes)
	}
	if !(learningRate > 0 && learningRate <= 100) {
		return nil, fmt.Errorf("the learning rate must be above 0 and at most 100, not %g", learningRate)
	}
	units := classes
	if classes == 2 {
		units = 1
	}
	return &Perceptron{
		Inputs: inputs, Classes: classes, LearningRate: learningRate,
		Weights: make([]float32, units*inputs), Biases: make([]float32, units),
		rng: mathf.NewRand(seed),
	}, nil
}

// Units is the number of step neurons: 1 for two classes, else one per class.
func (p *Perceptron) Units() int { return len(p.Biases) }

// WeightedSum returns unit u's weighted sum plus bias for input x.
func (p *Perceptron) WeightedSum(u int, x []float32) float32 {
	w := p.Weights[u*p.Inputs : (u+1)*p.Inputs]
	s := p.Biases[u]
	for i, v := range x[:p.Inputs] {
		s += w[i] * v
	}
	return s
}

// Classify returns the predicted class of x.
func (p *Perceptron) Classify(x []float32) int {
	if p.Units() == 1 {
		return int(Step.Apply(p.WeightedSum(0, x)))
	}
	best, bestSum := 0, p.WeightedSum(0, x)
	for u := 1; u < p.Units(); u++ {
		if s := p.WeightedSum(u, x); s > bestSum {
			best, bestSum = u, s
		}
	}
	return best
}

// Learn applies the perceptron rule to one example and reports whether it was a mistake.
// Two classes: w += η (label - output) x. More: the true class's weights move toward x and the
// wrongly chosen class's away.
func (p *Perceptron) Learn(x []float32, label int) bool {
	pred := p.Classify(x)
	if pred == label {
		return false
	}
	if p.Units() == 1 {
		p.nudge(0, x, p.LearningRate*float32(label-pred))
	} else {
		p.nudge(label, x, p.LearningRate)
		p.nudge(pred, x, -p.LearningRate)
	}
	return true
}

func (p *Perceptron) nudge(u int, x []float32, by float32) {
	w := p.Weights[u*p.Inputs : (u+1)*p.Inputs]
	for i, v := range x[:p.Inputs] {
		w[i] += by * v
	}
	p.Biases[u] += by
}

// Epoch runs the rule once over every example of data in a fresh random order and returns the
// number of mistakes it made on the way.
func (p *Perceptron) Epoch(data Samples) (int, error) {
	if data.InputSize() != p.Inputs {
		return 0, fmt.Errorf("the data has %d inputs per example but the perceptron takes %d", data.InputSize(), p.Inputs)
	}
	n := data.Len()
	p.order = p.order[:0]
	for i := range n {
		p.order = append(p.order, i)
	}
	p.rng.Shuffle(n, func(i, j int) { p.order[i], p.order[j] = p.order[j], p.order[i] })
	x := make([]float32, p.Inputs)
	mistakes := 0
	for _, i := range p.order {
		data.Input(i, x)
		if p.Learn(x, data.Label(i)) {
			mistakes++
		}
	}
	return mistakes, nil
}

// Accuracy returns the fraction of data the perceptron classifies correctly.
func (p *Perceptron) Accuracy(data Samples) float64 {
	if data.Len() == 0 {
		return 0
	}
	x := make([]float32, p.Inputs)
	right := 0
	for i := range data.Len() {
		data.Input(i, x)
		if p.Classify(x) == data.Label(i) {
			right++
		}
	}
	return float64(right) / float64(data.Len())
}

package nn_test

import (
	"testing"

	"somehow/core/nn"
)

// BenchmarkOptimizerStep times one update of 784-128-10's weights (the page's busiest loop after
// the products).
func BenchmarkOptimizerStep(b *testing.B) {
	arch, _ := nn.ParseArchitecture("784-128-10", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	for _, opt := range []nn.Optimizer{{Kind: nn.SGD, LearningRate: 0.1}, {Kind: nn.SGD, LearningRate: 0.1, Momentum: 0.9}, {Kind: nn.Adam, LearningRate: 0.001}} {
		b.Run(opt.Kind.String()+map[bool]string{true: "+momentum", false: ""}[opt.Momentum != 0], func(b *testing.B) {
			net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 1)
			for b.Loop() {
				opt.Step(net)
			}
		})
	}
}

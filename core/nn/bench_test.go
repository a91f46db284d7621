package nn_test

import (
	"fmt"
	"testing"

	"somehow/core/mnist"
	"somehow/core/nn"
)

// BenchmarkTrainMNIST times training on the first 6400 MNIST images (100 batches of 64) for the
// CLI's presets, with 1 and 2 workers, on the MNIST files mnist.Dir finds.
func BenchmarkTrainMNIST(b *testing.B) {
	all, _, err := mnist.Load("")
	if err != nil {
		b.Skip(err)
	}
	set := all.Subset(6400)
	for _, name := range []string{"paper", "fast"} {
		for _, workers := range []int{1, 2, 0} {
			// workers=0: one worker sharding its batches as the page does (core/nn/team.go).
			label := fmt.Sprintf("workers=%d", workers)
			if workers == 0 {
				label = "sharded"
			}
			b.Run(name+"/"+label, func(b *testing.B) {
				p, _ := mnist.LookupPreset(name)
				net, _ := nn.New(p.Arch, p.Init, 1)
				net.Workers = max(workers, 1)
				opt := p.Optimizer
				tr, _ := nn.NewTrainer(net, &opt, p.BatchSize, 1)
				if workers == 0 {
					tr.Team = &nn.Team{}
				}
				for b.Loop() {
					if _, err := tr.Epoch(set, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(set.Len()*b.N)/b.Elapsed().Seconds(), "examples/s")
			})
		}
	}
}

// BenchmarkConvFirstLayer times the first convolution of ConvNetJS's MNIST network (5×5×8,
// same padding) forward and backward on a batch of 64 real digits, against the same batch with
// every 0 pixel made a tiny non-zero number: the difference is what skipping zero inputs buys.
func BenchmarkConvFirstLayer(b *testing.B) {
	train, _, err := mnist.Load("")
	if err != nil {
		b.Skip(err)
	}
	arch, _ := nn.ParseArchitecture("28x28-conv5x5x8same-10", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	x := make([]float32, 64*784)
	for r := range 64 {
		train.Input(r, x[r*784:(r+1)*784])
	}
	dense := append([]float32(nil), x...)
	for i, v := range dense {
		if v == 0 {
			dense[i] = 1e-30
		}
	}
	t := make([]float32, 64*10)
	for r := range 64 {
		t[r*10+train.Label(r)] = 1
	}
	for _, c := range []struct {
		name string
		x    []float32
	}{{"mnist", x}, {"no-zeros", dense}} {
		b.Run(c.name, func(b *testing.B) {
			net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 1)
			for b.Loop() {
				net.Forward(c.x, 64)
				net.Backward(t)
			}
		})
	}
}

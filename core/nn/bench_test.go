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
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", name, workers), func(b *testing.B) {
				p, _ := mnist.LookupPreset(name)
				net, _ := nn.New(p.Arch, p.Init, 1)
				net.Workers = workers
				opt := p.Optimizer
				tr, _ := nn.NewTrainer(net, &opt, p.BatchSize, 1)
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

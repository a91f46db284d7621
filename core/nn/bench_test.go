package nn_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"somehow/core/data"
	"somehow/core/nn"
)

// BenchmarkTrainMNIST times training on the first 6400 MNIST images (100 batches of 64) for the
// CLI's presets, with 1 and 2 workers. It needs $SOMEHOW_MNIST (make bench sets it).
func BenchmarkTrainMNIST(b *testing.B) {
	dir := os.Getenv("SOMEHOW_MNIST")
	if dir == "" {
		b.Skip("set SOMEHOW_MNIST to the folder with the MNIST files")
	}
	fi, err := os.Open(filepath.Join(dir, "train-images-idx3-ubyte.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer fi.Close()
	fl, err := os.Open(filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer fl.Close()
	all, err := data.ReadMNIST(fi, fl)
	if err != nil {
		b.Fatal(err)
	}
	set := all.Subset(6400)
	for _, name := range []string{"paper", "fast"} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", name, workers), func(b *testing.B) {
				p, _ := nn.LookupPreset(name)
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

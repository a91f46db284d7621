//go:build js && wasm

package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"somehow/core/linalg"
	"somehow/core/mnist"
	"somehow/core/nn"
)

func install(t testing.TB) {
	t.Helper()
	if err := Install(); err != nil {
		t.Fatalf("%v; run these tests as make test-wasm does (NODE_OPTIONS=--require=wasm/simd/node_memory.cjs)", err)
	}
	t.Cleanup(func() { linalg.Accelerate(nil) })
}

func randMat(rng *rand.Rand, n int, zeroFrac float64) []float32 {
	m := make([]float32, n)
	for i := range m {
		if rng.Float64() >= zeroFrac {
			m[i] = float32(rng.NormFloat64())
		}
	}
	return m
}

// The SIMD loop gives Go's loops' bits for both wide products, at an MLP's first layer, the
// convolutions' shapes (8 and 16 filters, rows of 25 and 200 that end in single floats) and a
// row of 13, for which only the tail runs one float at a time; and long sums (Add).
func TestProductsGiveGoLoopsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{64, 784, 128}, {4000, 25, 8}, {800, 200, 16}, {300, 16, 25}, {64, 128, 13}} {
		m, k, n := s[0], s[1], s[2]
		a := randMat(rng, m*k, 0.8)
		b := randMat(rng, k*n, 0)
		g := randMat(rng, m*n, 0.5)
		startC, startT := randMat(rng, m*n, 0), randMat(rng, k*n, 0)
		linalg.Accelerate(nil)
		want, wantT := append([]float32(nil), startC...), append([]float32(nil), startT...)
		linalg.MulAdd(want, a, b, m, k, n, 1)
		linalg.MulTransAAdd(wantT, a, g, m, k, n, 1)
		install(t)
		before := calls.axpys
		got, gotT := append([]float32(nil), startC...), append([]float32(nil), startT...)
		linalg.MulAdd(got, a, b, m, k, n, 1)
		linalg.MulTransAAdd(gotT, a, g, m, k, n, 1)
		linalg.Accelerate(nil)
		if ran := calls.axpys - before; ran != 2 {
			t.Errorf("%v: %d jobs reached the SIMD loop, want one a product", s, ran)
		}
		same(t, fmt.Sprint(s, " MulAdd"), got, want)
		same(t, fmt.Sprint(s, " MulTransAAdd"), gotT, wantT)
	}
	for _, n := range []int{1 << 12, 101770} { // a team's gradients: 784-128-10 has 101 770 numbers
		x, y := randMat(rng, n, 0), randMat(rng, n, 0)
		want, got := append([]float32(nil), y...), append([]float32(nil), y...)
		linalg.Add(x, want)
		install(t)
		before := calls.add
		linalg.Add(x, got)
		linalg.Accelerate(nil)
		if calls.add != before+1 {
			t.Errorf("the sum of %d did not reach the SIMD loop", n)
		}
		same(t, fmt.Sprint("Add of ", n), got, want)
	}
}

func same(t *testing.T, what string, got, want []float32) {
	t.Helper()
	changed := 0
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			if changed == 0 {
				t.Errorf("%s: entry %d is %v with SIMD, %v in Go", what, i, got[i], want[i])
			}
			changed++
		}
	}
	if changed > 0 {
		t.Errorf("%s: %d of %d entries differ", what, changed, len(want))
	}
}

// Training with the SIMD loop ends on the same weights, to the bit, as training without it: the
// paper's dense network and a conv net, a few batches of real MNIST digits.
func TestTrainingGivesGoLoopsBits(t *testing.T) {
	train, _, err := mnist.Load("")
	if err != nil {
		t.Fatal(err)
	}
	set := train.Subset(640)
	for _, sizes := range []string{"784-128-10", "28x28-conv5x5x8same-pool2-conv5x5x16same-pool3-10"} {
		weights := func() []float32 {
			arch, err := nn.ParseArchitecture(sizes, nn.ReLU, nn.Softmax, nn.CrossEntropy)
			if err != nil {
				t.Fatal(err)
			}
			net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 3)
			tr, err := nn.NewTrainer(net, &nn.Optimizer{Kind: nn.SGD, LearningRate: 0.05, Momentum: 0.9}, 64, 3)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Epoch(set, nil); err != nil {
				t.Fatal(err)
			}
			w := make([]float32, net.ParameterCount())
			net.WeightsInto(w)
			return w
		}
		want := weights()
		install(t)
		before := calls.axpys
		got := weights()
		linalg.Accelerate(nil)
		same(t, sizes, got, want)
		if calls.axpys-before < 10 { // ten batches of 64, each with its first layer's products
			t.Errorf("%s: only %d jobs reached the SIMD loop in ten batches", sizes, calls.axpys-before)
		}
	}
}

// BenchmarkTrainMNIST times an epoch's worth of 784-128-10 and the ConvNetJS net's batches on
// the first 6400 (conv: 640) MNIST digits with Go's loops and with the SIMD loop: run with
// make bench, or GOOS=js GOARCH=wasm NODE_OPTIONS=--require=$PWD/wasm/simd/node_memory.cjs
// go test -run X -bench . -exec=$(go env GOROOT)/lib/wasm/go_js_wasm_exec ./wasm/simd
func BenchmarkTrainMNIST(b *testing.B) {
	train, _, err := mnist.Load("")
	if err != nil {
		b.Skip(err)
	}
	for _, c := range []struct {
		preset string
		images int
	}{{"fast", 6400}, {"convnetjs", 640}} {
		set := train.Subset(c.images)
		for _, fast := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/simd=%v", c.preset, fast), func(b *testing.B) {
				if fast {
					install(b)
				}
				p, err := mnist.LookupPreset(c.preset)
				if err != nil {
					b.Fatal(err)
				}
				net, _ := nn.New(p.Arch, p.Init, 1)
				opt := p.Optimizer
				tr, _ := nn.NewTrainer(net, &opt, p.BatchSize, 1)
				tr.Team = &nn.Team{} // sharded, as the page trains
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

package nn_test

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"

	"somehow/core/data"
	"somehow/core/nn"
)

// trainingFingerprint trains a few small networks from fixed seeds and hashes every loss and
// every final weight, bit for bit.
func trainingFingerprint(t *testing.T) uint64 {
	h := fnv.New64a()
	put := func(v float64) { binary.Write(h, binary.LittleEndian, math.Float64bits(v)) }
	spiral, err := data.Generate("spiral", 300, 3, 0.05, 11)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sizes          string
		hidden, output nn.Activation
		loss           nn.Loss
		init           nn.Init
		opt            nn.Optimizer
	}{
		{"2-8-8-3", nn.Tanh, nn.Softmax, nn.CrossEntropy, nn.Init{Kind: nn.Xavier}, nn.Optimizer{Kind: nn.Adam, LearningRate: 0.01}},
		{"2-16-3", nn.ReLU, nn.Sigmoid, nn.MSE, nn.Init{Kind: nn.He}, nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1, Decay: 0.001, Momentum: 0.9, WeightDecay: 1e-4}},
		{"2-6-6-3", nn.Sigmoid, nn.Softmax, nn.CrossEntropy, nn.Init{Kind: nn.Uniform, Scale: 0.5}, nn.Optimizer{Kind: nn.SGD, LearningRate: 0.5}},
	} {
		arch, err := nn.ParseArchitecture(c.sizes, c.hidden, c.output, c.loss)
		if err != nil {
			t.Fatal(err)
		}
		net, err := nn.New(arch, c.init, 42)
		if err != nil {
			t.Fatal(err)
		}
		opt := c.opt
		tr, err := nn.NewTrainer(net, &opt, 16, 42)
		if err != nil {
			t.Fatal(err)
		}
		for range 200 {
			loss, err := tr.Step(spiral)
			if err != nil {
				t.Fatal(err)
			}
			put(loss)
		}
		for _, d := range net.Layers {
			binary.Write(h, binary.LittleEndian, d.Weights)
			binary.Write(h, binary.LittleEndian, d.Biases)
		}
	}
	p, _ := nn.NewPerceptron(2, 3, 0.1, 42)
	for range 5 {
		p.Epoch(spiral)
	}
	binary.Write(h, binary.LittleEndian, p.Weights)
	return h.Sum64()
}

// goldenFingerprint was recorded natively on amd64; the js/wasm run of this same test
// (`make test` runs it under Node) must reproduce it, so a seed means the same network in the
// CLI and in the browser. If a deliberate change to the maths moves it, record the new value from
// both platforms and check they agree.
const goldenFingerprint = 0x3d8072672fe72669

func TestSameSeedSameNetworkEverywhere(t *testing.T) {
	a, b := trainingFingerprint(t), trainingFingerprint(t)
	if a != b {
		t.Fatalf("two runs with the same seeds differ: %#x vs %#x", a, b)
	}
	if a != goldenFingerprint {
		t.Fatalf("training fingerprint %#x, recorded %#x: the same seed no longer gives the same network", a, uint64(goldenFingerprint))
	}
}

// Parallel products split work by output rows only, so worker count must not change a bit.
func TestWorkersDoNotChangeResults(t *testing.T) {
	arch, _ := nn.ParseArchitecture("64-300-10", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	run := func(workers int) []float32 {
		net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 3)
		net.Workers = workers
		rng := nn.NewTestRandExported(5)
		x := make([]float32, 128*64)
		for i := range x {
			if rng.IntN(3) > 0 {
				x[i] = float32(rng.Float64())
			}
		}
		tg := make([]float32, 128*10)
		for r := range 128 {
			tg[r*10+rng.IntN(10)] = 1
		}
		opt := &nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1}
		for range 3 {
			net.Forward(x, 128)
			net.Backward(tg)
			opt.Step(net)
		}
		return net.Layers[0].Weights
	}
	one, four := run(1), run(4)
	for i := range one {
		if one[i] != four[i] {
			t.Fatalf("weight %d: %v with 1 worker, %v with 4", i, one[i], four[i])
		}
	}
}

// convFingerprint trains a small image network (convolutions with both paddings, pooling) on
// seeded random 10×10 images and hashes every loss and final weight, bit for bit.
func convFingerprint(t *testing.T, workers int) uint64 {
	h := fnv.New64a()
	arch, err := nn.ParseArchitecture("10x10-conv3x3x8same-pool2-conv3x3x16-12-4", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.He}, 9)
	if err != nil {
		t.Fatal(err)
	}
	net.Workers = workers
	rng := nn.NewTestRandExported(13)
	x := make([]float32, 32*100)
	for i := range x {
		if rng.IntN(4) == 0 {
			x[i] = float32(rng.Float64())
		}
	}
	tg := make([]float32, 32*4)
	for r := range 32 {
		tg[r*4+rng.IntN(4)] = 1
	}
	opt := &nn.Optimizer{Kind: nn.SGD, LearningRate: 0.05, Momentum: 0.9}
	for range 20 {
		net.Forward(x, 32)
		binary.Write(h, binary.LittleEndian, math.Float64bits(net.Loss(tg)))
		net.Backward(tg)
		opt.Step(net)
	}
	for _, p := range net.Params() {
		binary.Write(h, binary.LittleEndian, p.Value)
	}
	return h.Sum64()
}

// goldenConvFingerprint was recorded natively on amd64, like goldenFingerprint.
const goldenConvFingerprint = 0x536e1fb54820016

func TestSameSeedSameConvNetworkEverywhere(t *testing.T) {
	one, two := convFingerprint(t, 1), convFingerprint(t, 2)
	if one != two {
		t.Fatalf("1 and 2 workers train different image networks: %#x vs %#x", one, two)
	}
	if one != goldenConvFingerprint {
		t.Fatalf("image-network fingerprint %#x, recorded %#x", one, uint64(goldenConvFingerprint))
	}
}

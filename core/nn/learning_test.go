package nn_test

import (
	"testing"

	"somehow/core/data"
	"somehow/core/nn"
)

func toy(t *testing.T, kind string, n int, noise float64, seed uint64) *data.Points {
	t.Helper()
	p, err := data.Generate(kind, n, 2, noise, seed)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The paper's chapter on linear separability, as a test: the perceptron finds the line when
// there is one and cannot when there is none.
func TestPerceptronSeparatesLinearDataButNotXOR(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		lin := toy(t, "linear", 200, 0, seed)
		p, err := nn.NewPerceptron(2, 2, 0.1, seed)
		if err != nil {
			t.Fatal(err)
		}
		for range 100 {
			if m, _ := p.Epoch(lin); m == 0 {
				break
			}
		}
		if acc := p.Accuracy(lin); acc != 1 {
			t.Errorf("seed %d: perceptron reached %.1f%% on linearly separable data, want 100%%", seed, 100*acc)
		}

		xor := toy(t, "xor", 200, 0, seed)
		p, _ = nn.NewPerceptron(2, 2, 0.1, seed)
		for range 100 {
			p.Epoch(xor)
		}
		if acc := p.Accuracy(xor); acc > 0.75 {
			t.Errorf("seed %d: perceptron reached %.1f%% on XOR, which no line can separate (want <= 75%%)", seed, 100*acc)
		}
	}
}

func TestMultiClassPerceptronSeparatesBlobs(t *testing.T) {
	pts, err := data.Generate("linear", 300, 3, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := nn.NewPerceptron(2, 3, 0.1, 5)
	for range 200 {
		if m, _ := p.Epoch(pts); m == 0 {
			break
		}
	}
	if acc := p.Accuracy(pts); acc != 1 {
		t.Errorf("3-class perceptron reached %.1f%% on separable blobs, want 100%%", 100*acc)
	}
}

func trainXOR(t *testing.T, init nn.Init, seed uint64) (*nn.Network, float64) {
	t.Helper()
	arch, err := nn.ParseArchitecture("2-4-1", nn.Tanh, nn.Sigmoid, nn.CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(arch, init, seed)
	if err != nil {
		t.Fatal(err)
	}
	xor := toy(t, "xor", 200, 0, seed)
	tr, err := nn.NewTrainer(net, &nn.Optimizer{Kind: nn.Adam, LearningRate: 0.02}, 10, seed)
	if err != nil {
		t.Fatal(err)
	}
	for range 600 {
		if _, err := tr.Epoch(xor, nil); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := nn.Evaluate(net, xor)
	if err != nil {
		t.Fatal(err)
	}
	return net, ev.Accuracy()
}

// ...and one hidden layer bends the boundary enough. A 2-4-1 network can still land in a local
// minimum now and then (seen: 1 seed in 12), as the paper's chapter on gradient descent warns, so
// the test asks for 100% from nearly every seed rather than from hand-picked ones.
func TestMLPLearnsXOR(t *testing.T) {
	solved := 0
	for seed := uint64(1); seed <= 10; seed++ {
		_, acc := trainXOR(t, nn.Init{Kind: nn.Xavier}, seed)
		if acc == 1 {
			solved++
		} else {
			t.Logf("seed %d: %.1f%% (a local minimum)", seed, 100*acc)
		}
	}
	if solved < 9 {
		t.Errorf("a 2-4-1 MLP solved XOR for %d of 10 seeds, want at least 9", solved)
	}
}

// The paper's warning about initialisation: equal weights get equal gradients and stay equal.
func TestConstantInitNeverBreaksSymmetry(t *testing.T) {
	same := func(net *nn.Network) bool {
		d := net.Layers[0]
		for j := 1; j < d.Units; j++ {
			for i := 0; i < d.Inputs; i++ {
				if d.Weight(i, j) != d.Weight(i, 0) {
					return false
				}
			}
			if d.Biases[j] != d.Biases[0] {
				return false
			}
		}
		return true
	}
	net, acc := trainXOR(t, nn.Init{Kind: nn.Constant, Scale: 0.5}, 1)
	if !same(net) {
		t.Error("after training from constant weights, the hidden units differ; they should move in lockstep")
	}
	if acc == 1 {
		t.Error("a network whose hidden units are all identical learned XOR; it should not be able to")
	}
	if net, _ = trainXOR(t, nn.Init{Kind: nn.He}, 1); same(net) {
		t.Error("after training from He initialisation the hidden units are identical")
	}
}

func TestDivergenceIsReported(t *testing.T) {
	arch, _ := nn.ParseArchitecture("2-8-1", nn.ReLU, nn.Linear, nn.MSE)
	net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 1)
	pts := toy(t, "circles", 100, 0.1, 1)
	tr, _ := nn.NewTrainer(net, &nn.Optimizer{Kind: nn.SGD, LearningRate: 100}, 10, 1)
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		_, err = tr.Step(pts)
	}
	if err != nn.ErrDiverged {
		t.Fatalf("training with learning rate 100 returned %v, want ErrDiverged", err)
	}
}

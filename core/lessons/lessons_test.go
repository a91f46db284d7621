package lessons

import (
	"math"
	"testing"
)

func TestNeuron(t *testing.T) {
	n := Neuron{Inputs: [3]float64{1, 0.5, -1}, Weights: [3]float64{0.8, -0.4, 0.3}, Bias: 0.1, Activation: "step"}
	r, err := Fire(n)
	if err != nil || math.Abs(r.WeightedSum-0.4) > 1e-12 || r.Output != 1 {
		t.Fatalf("step neuron: %+v %v", r, err)
	}
	n.Activation = "sigmoid"
	if r, _ = Fire(n); math.Abs(r.Output-1/(1+math.Exp(-0.4))) > 1e-6 {
		t.Errorf("sigmoid neuron output %v", r.Output)
	}
	n.Bias = -1
	n.Activation = "relu"
	if r, _ = Fire(n); r.Output != 0 {
		t.Errorf("relu of a negative sum is %v", r.Output)
	}
	if _, err := Fire(Neuron{Activation: "softmax"}); err == nil {
		t.Error("softmax neuron accepted")
	}
}

func TestActivationsAndVanishingGradient(t *testing.T) {
	curves := ActivationCurves()
	if len(curves) != 4 || curves[0].Name != "step" {
		t.Fatalf("%d curves", len(curves))
	}
	for _, d := range curves[0].Derivative {
		if d != 0 {
			t.Fatal("the step's derivative is not 0 everywhere: it could be trained")
		}
	}
	v, err := VanishingGradient(0, 10)
	if err != nil || math.Abs(v[0]-0.25) > 1e-7 || math.Abs(v[9]-math.Pow(0.25, 10)) > 1e-12 {
		t.Errorf("vanishing gradient at 0: %v %v", v, err)
	}
}

// Training the 1-N-1 network makes the sum of sigmoids fit the curve, and its decomposition is
// exactly the network's output.
func TestFitImprovesAndDecomposes(t *testing.T) {
	f, err := NewFit("sine", nil, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.Decompose()
	if err := f.Train(300); err != nil {
		t.Fatal(err)
	}
	after, _ := f.Decompose()
	if after.Score <= before.Score || after.Score < 0.95 {
		t.Errorf("fit score %.3f before, %.3f after 300 epochs; want better and >= 0.95", before.Score, after.Score)
	}
	for i := range after.X {
		sum := after.Offset
		for _, c := range after.Contributions {
			sum += c[i]
		}
		if math.Abs(sum-after.Sum[i]) > 1e-3 {
			t.Fatalf("at x=%.2f the sigmoids add to %.5f but the network says %.5f", after.X[i], sum, after.Sum[i])
		}
	}
}

func TestGradientDescentOnTheCurve(t *testing.T) {
	plain, _ := Descend("curve", [2]float64{3.5, 0}, 0.05, 0, 500)
	end := plain.Path[len(plain.Path)-1][0]
	if math.Abs(end-1.99) > 0.05 {
		t.Errorf("without momentum the ball stopped at %.3f, want the pit near 1.99", end)
	}
	rolling, _ := Descend("curve", [2]float64{3.5, 0}, 0.05, 0.9, 500)
	if end := rolling.Path[len(rolling.Path)-1][0]; math.Abs(end+2.41) > 0.05 {
		t.Errorf("with momentum 0.9 the ball stopped at %.3f, want the valley near -2.41", end)
	}
	wild, _ := Descend("curve", [2]float64{3.5, 0}, 1.5, 0, 50)
	if !wild.Diverged {
		t.Error("learning rate 1.5 did not overshoot out of the picture")
	}
	s, _ := Descend("surface", [2]float64{0.3, 1.5}, 0.05, 0, 1000)
	if end := s.Path[len(s.Path)-1]; math.Abs(end[0]-0.96) > 0.05 || math.Abs(end[1]) > 0.01 {
		t.Errorf("on the surface from (0.3, 1.5) the ball stopped at %v, want the local minimum near (0.96, 0)", end)
	}
	if _, err := Descend("moon", [2]float64{}, 0.1, 0, 10); err == nil {
		t.Error("unknown landscape accepted")
	}
}

// The step-through's numbers are the library's gradients, and they match finite differences.
func TestBackpropStepMatchesFiniteDifferences(t *testing.T) {
	b, err := Step(DefaultBackprop())
	if err != nil {
		t.Fatal(err)
	}
	for l := range 2 {
		for j := range 2 {
			if d := b.DLossDOutput[l][j] * b.DOutputDSum[l][j]; math.Abs(d-b.DLossDSum[l][j]) > 1e-6 {
				t.Errorf("layer %d neuron %d: ∂C/∂y·σ' = %v, but ∂C/∂s = %v", l, j, d, b.DLossDSum[l][j])
			}
			for i := range 2 {
				g, num := b.Gradients[l][i][j], b.NumericGradient[l][i][j]
				if math.Abs(g-num) > 1e-4+1e-2*math.Abs(num) {
					t.Errorf("w[%d][%d][%d]: backprop %v, finite differences %v", l, i, j, g, num)
				}
				prevOut := b.Input[i]
				if l == 1 {
					prevOut = b.Outputs[0][i]
				}
				if math.Abs(g-b.DLossDSum[l][j]*prevOut) > 1e-6 {
					t.Errorf("w[%d][%d][%d]: gradient %v is not ∂C/∂s · y_prev = %v", l, i, j, g, b.DLossDSum[l][j]*prevOut)
				}
			}
		}
	}
	if b.NewLoss >= b.Loss {
		t.Errorf("one step did not lower the loss: %v -> %v", b.Loss, b.NewLoss)
	}
}

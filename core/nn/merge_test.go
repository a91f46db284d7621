package nn

import (
	"math"
	"testing"

	"somehow/core/mathf"
)

// The merged network's outputs are the softmax of the mean of the networks' weighted sums, which
// is the normalised geometric mean of their outputs: computed here from each network's own
// outputs, independently of how Merge lays the weights out.
func TestMergeIsTheNetworksVote(t *testing.T) {
	for _, sizes := range []string{
		"12x10-conv3x3x4same-pool2-conv3x3x5same-pool2-7-10",
		"12x10-conv3x3x4-pool2-6-5-10",
		"120-9-8-10",
		"120-10",
	} {
		arch, err := ParseArchitecture(sizes, ReLU, Softmax, CrossEntropy)
		if err != nil {
			t.Fatal(err)
		}
		var nets []*Network
		for s := range 3 {
			n, err := New(arch, Init{Kind: He}, uint64(s+1))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range n.Params() { // biases too, so a misplaced one shows
				for i := range p.Value {
					p.Value[i] += 0.01 * float32(i%7)
				}
			}
			nets = append(nets, n)
		}
		merged, err := Merge(nets...)
		if err != nil {
			t.Fatal(err)
		}
		rng := mathf.NewRand(9)
		x := make([]float32, arch.Inputs)
		for trial := range 5 {
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			want := make([]float64, 10)
			for _, n := range nets {
				for j, p := range n.Predict(x) {
					want[j] += math.Log(float64(p)) / float64(len(nets))
				}
			}
			var sum float64
			for j := range want {
				want[j] = math.Exp(want[j])
				sum += want[j]
			}
			got := merged.Predict(x)
			for j := range want {
				if d := math.Abs(float64(got[j]) - want[j]/sum); d > 1e-5 {
					t.Fatalf("%s trial %d output %d: merged %g, the networks' vote %g", sizes, trial, j, got[j], want[j]/sum)
				}
			}
		}
		if _, err := Merge(nets[0], mustNew(t, "120-9-10", ReLU)); err == nil {
			t.Fatalf("networks of different shapes merged")
		}
		if _, err := Merge(nets[0], mustNew(t, sizes, Sigmoid)); err == nil && sizes != "120-10" { // it has no hidden layer
			t.Fatalf("%s: networks of different activations merged", sizes)
		}
	}
}

func mustNew(t *testing.T, sizes string, hidden Activation) *Network {
	arch, err := ParseArchitecture(sizes, hidden, Softmax, CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(arch, Init{Kind: He}, 1)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

package nn

import (
	"math"
	"strings"
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

// A vote of five of the listening page's networks is one network that reads a word within the
// limit on the work of one input, with no more weights than the five: the convolutions after the
// first and the hidden layers in groups, one a network (stored as full layers, the five needed
// 106 million multiply-adds, over the limit of 50, and 1.35 million weights, 80% of them zeros).
func TestAVoteOfFiveFitsTheLimits(t *testing.T) {
	member := mustNew(t, "40x32-conv5x5x16same-pool2-conv5x5x32same-pool4-64-10", ReLU)
	nets := []*Network{member}
	for range 4 {
		nets = append(nets, member.Clone())
	}
	vote, err := Merge(nets...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := vote.Arch.String(), "40x32-conv5x5x80same-pool2-conv5x5x160same/5-pool4-320/5-10"; got != want {
		t.Errorf("merged architecture %s, want %s", got, want)
	}
	if got, want := vote.Arch.MultiplyAdds(), 5*member.Arch.MultiplyAdds(); got != want {
		t.Errorf("%d multiply-adds, want five networks' %d", got, want)
	}
	if got, want := vote.Arch.Parameters(), 5*member.Arch.Parameters()-4*10; got != want {
		t.Errorf("%d weights and biases, want five networks' less the output biases they share, %d", got, want)
	}
	if _, err := Merge(vote, vote.Clone()); err == nil || !strings.Contains(err.Error(), "groups") {
		t.Errorf("a vote of votes: %v", err)
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

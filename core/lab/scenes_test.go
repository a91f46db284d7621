package lab

import (
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"
)

// Every scene keeps the point its caption makes for 20 000 epochs (a class watching at speed 10
// for over a minute), whatever the seed its networks start from. Checked every 250 epochs.
// Natively only: under js/wasm the same bits come out (the determinism tests pin them), four
// times slower.
func TestScenesKeepTheirPoint(t *testing.T) {
	if runtime.GOARCH == "wasm" {
		t.Skip("natively only: the lab trains to the same bits in wasm")
	}
	const epochs, every = 20000, 250
	// holds says whether a scene's point is made at this frame; from is the epoch by which it
	// must be, and it must then stay made.
	type check struct {
		from  int
		holds func(f Frame) error
	}
	acc := func(p PaneFrame) float64 { return p.TrainAccuracy }
	checks := map[string]check{
		"xor": {1000, func(f Frame) error {
			if acc(f.Panes[0]) > 0.8 || acc(f.Panes[1]) < 0.95 {
				return fmt.Errorf("perceptron %.2f (must stay at or below 0.8), network %.2f (must be 0.95 or more)", acc(f.Panes[0]), acc(f.Panes[1]))
			}
			return nil
		}},
		"two-layers": {1000, func(f Frame) error {
			if acc(f.Panes[0]) > 0.8 || acc(f.Panes[1]) < 0.95 {
				return fmt.Errorf("perceptron %.2f, 2-4-1 network %.2f", acc(f.Panes[0]), acc(f.Panes[1]))
			}
			return nil
		}},
		"spiral": {2000, func(f Frame) error {
			if acc(f.Panes[0]) > 0.92 || acc(f.Panes[1]) < 0.97 {
				return fmt.Errorf("one layer of six %.2f (must struggle, at most 0.92), three of twelve %.2f (at least 0.97)", acc(f.Panes[0]), acc(f.Panes[1]))
			}
			return nil
		}},
		"overfitting": {500, func(f Frame) error {
			small, big := f.Panes[0], f.Panes[1]
			if big.TrainLoss > 0.1 || big.TestLoss < 3*big.TrainLoss || big.TestLoss < 1.5*small.TestLoss {
				return fmt.Errorf("small train %.3f test %.3f; big train %.3f test %.3f: the big network must keep its training loss under 0.1 with a test loss far above it and above the small one's",
					small.TrainLoss, small.TestLoss, big.TrainLoss, big.TestLoss)
			}
			return nil
		}},
		"symmetry": {1000, func(f Frame) error {
			if acc(f.Panes[1]) < 0.85 || acc(f.Panes[0]) > acc(f.Panes[1]) {
				return fmt.Errorf("constant start %.2f, random start %.2f: the random start must learn the circle and beat six neurons acting as one", acc(f.Panes[0]), acc(f.Panes[1]))
			}
			return nil
		}},
	}
	for _, name := range SceneNames {
		c, ok := checks[name]
		if !ok {
			t.Errorf("scene %q has no check of its point", name)
			continue
		}
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", name, seed), func(t *testing.T) {
				t.Parallel()
				s := Scenes[name]
				for i := range s.Models {
					s.Models[i].Seed = seed
				}
				l := New()
				l.now = func() time.Time { return time.Time{} } // no budget: every epoch asked for
				if _, err := l.Do(Request{Type: "setScene", Data: &s.Data, Models: s.Models[:]}); err != nil {
					t.Fatal(err)
				}
				for e := every; e <= epochs; e += every {
					f, err := l.Do(Request{Type: "train", Epochs: every, Network: name == "symmetry" && e == epochs})
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range f.Panes {
						if p.Diverged {
							t.Fatalf("epoch %d: pane %d diverged", e, p.Pane)
						}
					}
					if e < c.from {
						continue
					}
					if err := c.holds(f); err != nil {
						t.Fatalf("epoch %d: %v", e, err)
					}
					if name == "symmetry" && e == epochs {
						// The constant start's six neurons still act as one: equal weights.
						w := f.Panes[0].Network.Layers[0].Weights
						for i := range w {
							for j := range w[i] {
								if math.Abs(float64(w[i][j]-w[i][0])) > 1e-6 {
									t.Fatalf("the constant start's weights from input %d differ: %v", i, w[i])
								}
							}
						}
					}
				}
			})
		}
	}
}

package mnist

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"somehow/core/digit"
	"somehow/core/nn"
)

func TestRealMNIST(t *testing.T) {
	train, test, err := Load("")
	if err != nil {
		t.Skip(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.Rows != 28 || train.Cols != 28 {
		t.Fatalf("train %d×%d×%d, test %d", train.Len(), train.Rows, train.Cols, test.Len())
	}
	// The well-known first labels of each set.
	if got := []int{train.Label(0), train.Label(1), train.Label(2)}; got[0] != 5 || got[1] != 0 || got[2] != 4 {
		t.Errorf("first training labels %v, want [5 0 4]", got)
	}
	if got := []int{test.Label(0), test.Label(1), test.Label(2)}; got[0] != 7 || got[1] != 2 || got[2] != 1 {
		t.Errorf("first test labels %v, want [7 2 1]", got)
	}
	zeros := 0
	for _, p := range train.Pixels {
		if p == 0 {
			zeros++
		}
	}
	if frac := float64(zeros) / float64(len(train.Pixels)); frac < 0.78 || frac > 0.84 {
		t.Errorf("%.1f%% of pixels are 0, expected about 81%%", 100*frac)
	}
	x := make([]float32, 784)
	train.Input(0, x)
	for _, v := range x {
		if v < 0 || v > 1 {
			t.Fatalf("pixel value %v outside [0, 1]", v)
		}
	}
}

// The paper's recipe, exactly as it writes it, and its softmax twin, which differs only in the
// output layer and the loss.
func TestPaperPresetsAreThePapers(t *testing.T) {
	paper := Presets["paper"]
	want := Preset{Name: "paper", Description: paper.Description,
		Arch:      mustArch("784-16-16-16-10", nn.ReLU, nn.Sigmoid, nn.MSE),
		Init:      nn.Init{Kind: nn.He},
		Optimizer: nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1, Decay: 0.001},
		BatchSize: 64, Epochs: 5}
	if !reflect.DeepEqual(paper, want) {
		t.Errorf("paper preset:\n got %+v\nwant %+v", paper, want)
	}
	soft := Presets["paper-softmax"]
	twin := paper
	twin.Name, twin.Description = soft.Name, soft.Description
	twin.Arch = mustArch("784-16-16-16-10", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	if !reflect.DeepEqual(soft, twin) {
		t.Errorf("paper-softmax differs from paper in more than its output and loss:\n got %+v\nwant %+v", soft, twin)
	}
	for name, p := range Presets {
		if err := p.Validate(); err != nil || p.Name != name {
			t.Errorf("preset %s (%s): %v", name, p.Name, err)
		}
	}
}

// Overrides change only what they name, and a changed network is "custom".
func TestOverridesApply(t *testing.T) {
	lr := 0.5
	p, err := Overrides{LearningRate: &lr, Epochs: 2}.Apply(Presets["paper"])
	if err != nil || p.Optimizer.LearningRate != 0.5 || p.Epochs != 2 || p.Name != "paper" || p.Optimizer.Decay != 0.001 {
		t.Errorf("lr and epochs: %+v %v", p, err)
	}
	p, err = Overrides{Arch: "784-32-10", Output: "softmax", Loss: "crossentropy"}.Apply(Presets["paper"])
	if err != nil || p.Arch.String() != "784-32-10" || p.Name != "custom" || p.Arch.Layers[0].Activation != nn.ReLU {
		t.Errorf("arch: %+v %v", p.Arch, err)
	}
	for _, bad := range []Overrides{{Arch: "784-10-9"}, {Arch: "100-10"}, {Optimizer: "rmsprop"}, {Epochs: MaxEpochs + 1}, {Batch: -3}} {
		if _, err := bad.Apply(Presets["fast"]); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
}

// Stopped a third into an epoch, a run ends on one scored point at 1.33 epochs, with nothing
// left to wait for.
func TestStopMidEpochScoresWhereItStopped(t *testing.T) {
	train, test, err := Load("")
	if err != nil {
		t.Skip(err)
	}
	p := Presets["fast"]
	run, err := NewRun(p, 1, train.Subset(3000), test.Subset(1000))
	if err != nil {
		t.Fatal(err)
	}
	for len(run.History()) < 1 { // one full epoch, scored
		if err := run.Slice(time.Hour, time.Now); err != nil {
			t.Fatal(err)
		}
	}
	for run.Progress().Done < 1000 { // a third of the next
		if err := run.Slice(time.Millisecond, time.Now); err != nil {
			t.Fatal(err)
		}
	}
	run.Stop()
	pr := run.Progress()
	last := pr.History[len(pr.History)-1]
	if !pr.Finished || !pr.Stopped || pr.SecondsLeft != 0 || !last.Stopped || len(pr.History) != 2 {
		t.Fatalf("after stop: %+v", pr)
	}
	if math.Abs(last.EpochsDone-pr.EpochsDone) > 1e-9 || last.EpochsDone < 1.3 || last.EpochsDone > 1.4 {
		t.Errorf("stopped at %.3f epochs (progress says %.3f), want about 1.33", last.EpochsDone, pr.EpochsDone)
	}
	if last.TestError <= 0 || last.TestError > 30 {
		t.Errorf("test error at the stop: %.2f%%", last.TestError)
	}
	run.Stop() // a second stop changes nothing
	if len(run.History()) != 2 {
		t.Errorf("a second stop added a point")
	}
}

// MNIST's test digits redrawn as on the pad: the shipped best MLP reads most of them, the conv
// net (the pad's reader) nearly all, and the canvases look like a pad's.
func TestDrawnDigitsAreReadable(t *testing.T) {
	_, test, err := Load("")
	if err != nil {
		t.Skip(err)
	}
	digits := Drawn(test, 300, 1)
	if again := Drawn(test, 300, 1); !reflect.DeepEqual(again[7].Canvas, digits[7].Canvas) {
		t.Fatal("the same seed drew a different digit")
	}
	for _, c := range []struct {
		model    string
		lo, seen float64
	}{{"best", 0.85, 93.2}, {"conv", 0.95, 97.5}} {
		f, err := os.Open(filepath.Join("..", "..", "assets", "models", c.model+".somehow"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := nn.Load(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if acc := DrawnAccuracy(m, digits); acc < c.lo {
			t.Errorf("%s reads %.1f%% of 300 drawn digits; %.1f%% of 2000 was measured", c.model, 100*acc, c.seen)
		}
	}
	ink := 0
	for _, v := range digits[0].Canvas {
		if v > 128 {
			ink++
		}
	}
	if frac := float64(ink) / float64(PadSide*PadSide); frac < 0.01 || frac > 0.3 {
		t.Errorf("%.1f%% of the canvas is ink", 100*frac)
	}
}

// An augmented training image depends only on the seed, the epoch and its index: asked twice it
// is the same, in another epoch it differs, and it keeps about as much ink.
func TestAugmentedSamples(t *testing.T) {
	train, _, err := Load("")
	if err != nil {
		t.Skip(err)
	}
	epoch := 0
	s := &samples{Images: train.Subset(100), augment: &digit.DefaultAugmentation, seed: 3, epoch: func() int { return epoch }}
	a, b, raw := make([]float32, ImageSize), make([]float32, ImageSize), make([]float32, ImageSize)
	s.Input(5, a)
	s.Input(6, b) // another image in between must not disturb the next
	s.Input(5, b)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same image in the same epoch was augmented two ways")
	}
	epoch = 1
	s.Input(5, b)
	train.Input(5, raw)
	var inkA, inkRaw float64
	for i := range a {
		inkA += float64(a[i])
		inkRaw += float64(raw[i])
	}
	if reflect.DeepEqual(a, b) || reflect.DeepEqual(a, raw) {
		t.Error("augmentation does not change with the epoch, or at all")
	}
	if inkA < 0.4*inkRaw || inkA > 2*inkRaw { // smaller and thinner, or larger and thicker
		t.Errorf("ink %.1f after augmenting, %.1f before", inkA, inkRaw)
	}
}

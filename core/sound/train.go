package sound

import (
	"errors"
	"fmt"

	"somehow/core/nn"
)

// Recipe is how the spoken-digit reader is made: a small conv net over the Bands×Frames
// spectrogram (the digits' conv net, one size smaller), Adam, augmented clips, half of them
// mixed with another.
type Recipe struct {
	Arch    string
	Epochs  int
	Augment bool
	Mix     float64 // the share of augmented reads mixed with another clip (Set.Mix)
	nn.Optimizer
	BatchSize int
}

// DefaultRecipe is one reader's recipe, as the page trains it. The shipped reader is three
// readers of a smaller kind merged into one that reads by their vote (nn.Merge; the Makefile's
// listen model says how).
func DefaultRecipe() Recipe {
	return Recipe{
		Arch:      fmt.Sprintf("%dx%d-conv5x5x16same-pool2-conv5x5x32same-pool2-128-10", Bands, Frames),
		Epochs:    25,
		Augment:   true,
		Mix:       0.5,
		Optimizer: nn.Optimizer{Kind: nn.Adam, LearningRate: 0.001},
		BatchSize: 32,
	}
}

// Start makes a fresh network and its trainer from the recipe, with weights and shuffling from
// seed, over train (augmented as the recipe says).
func (r Recipe) Start(train []Clip, seed uint64) (*nn.Trainer, *Set, error) {
	arch, err := nn.ParseArchitecture(r.Arch, nn.ReLU, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		return nil, nil, err
	}
	if arch.Inputs != Bands*Frames || arch.Outputs() != 10 {
		return nil, nil, fmt.Errorf("a spoken-digit network takes %d×%d inputs and gives 10 outputs; %s does not", Bands, Frames, arch)
	}
	tr, err := nn.Recipe{Arch: arch, Init: nn.Init{Kind: nn.He}, Optimizer: r.Optimizer, BatchSize: r.BatchSize}.Start(seed)
	if err != nil {
		return nil, nil, err
	}
	set := &Set{Clips: train, Augment: r.Augment, Mix: r.Mix, Seed: seed, Epoch: func() int { return tr.Epochs }}
	return tr, set, nil
}

// Accuracy is the share of clips net reads right.
func Accuracy(net *nn.Network, clips []Clip) (float64, error) {
	if len(clips) == 0 {
		return 0, nil
	}
	ev, err := nn.Evaluate(net, &Set{Clips: clips})
	if err != nil {
		return 0, err
	}
	return ev.Accuracy(), nil
}

// NewLesson starts fine-tuning a copy of net on a person's recordings (nn.Lesson): a third of
// each digit's held back to judge it, the rest learnt from with replay (recordings it already
// knew, so it forgets nothing), every one augmented, for epochs passes at a small learning rate.
func NewLesson(net *nn.Network, examples, replay []Clip, epochs int, seed uint64) (*nn.Lesson, error) {
	labels := make([]int, len(examples))
	for i, c := range examples {
		labels[i] = c.Digit
	}
	taughtAt, heldAt := nn.HoldBack(labels, nil)
	pick := func(at []int) []Clip {
		out := make([]Clip, len(at))
		for i, j := range at {
			out[i] = examples[j]
		}
		return out
	}
	if len(taughtAt) == 0 {
		return nil, errors.New("say a few examples of each digit first: there is nothing to learn from")
	}
	var lesson *nn.Lesson
	epoch := func() int {
		if lesson == nil {
			return 0
		}
		return lesson.Epoch()
	}
	var replaySet nn.Samples
	if len(replay) > 0 {
		replaySet = &Set{Clips: replay, Augment: true, Seed: seed, Epoch: epoch}
	}
	plan := nn.DefaultLessonPlan
	plan.Epochs = epochs
	lesson, err := nn.NewLesson(net, &Set{Clips: pick(taughtAt), Augment: true, Seed: seed + 1, Epoch: epoch},
		&Set{Clips: pick(heldAt)}, replaySet, plan, seed)
	return lesson, err
}

package sound

import (
	"errors"
	"fmt"

	"somehow/core/nn"
)

// Recipe is how the spoken-digit reader is made: a small conv net over the Bands×Frames
// spectrogram (the digits' conv net, one size smaller), Adam, augmented clips.
type Recipe struct {
	Arch    string
	Epochs  int
	Augment bool
	nn.Optimizer
	BatchSize int
}

// DefaultRecipe is the shipped reader's recipe.
func DefaultRecipe() Recipe {
	return Recipe{
		Arch:      fmt.Sprintf("%dx%d-conv5x5x16same-pool2-conv5x5x32same-pool2-128-10", Bands, Frames),
		Epochs:    25,
		Augment:   true,
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
	set := &Set{Clips: train, Augment: r.Augment, Seed: seed, Epoch: func() int { return tr.Epochs }}
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

// Teaching is one fine-tuning on a person's own recordings, and how it went.
type Teaching struct {
	Net *nn.Network
	// Before and After are the shares of the held-back recordings read right by the model as it
	// was and as it is now; Held and Taught count the recordings held back and learnt from.
	Before, After float64
	Held, Taught  int
}

// Teach fine-tunes a copy of net on a person's recordings: a third of each digit's (at least one
// where there are two or more) are held back to judge it, the rest are learnt from, mixed with
// replay (recordings it already knew, so it forgets nothing), for epochs epochs at a small
// learning rate. net itself is unchanged.
func Teach(net *nn.Network, examples, replay []Clip, epochs int, seed uint64) (Teaching, error) {
	if epochs < 1 || epochs > 200 {
		return Teaching{}, fmt.Errorf("epochs must be between 1 and 200, not %d", epochs)
	}
	var byDigit [10][]Clip
	for _, c := range examples {
		byDigit[c.Digit] = append(byDigit[c.Digit], c)
	}
	var held, taught []Clip
	for _, cs := range byDigit {
		n := len(cs) / 3
		if n == 0 && len(cs) >= 2 {
			n = 1
		}
		held, taught = append(held, cs[len(cs)-n:]...), append(taught, cs[:len(cs)-n]...)
	}
	if len(taught) == 0 {
		return Teaching{}, errors.New("say a few examples of each digit first: there is nothing to learn from")
	}
	t := Teaching{Held: len(held), Taught: len(taught)}
	var err error
	if t.Before, err = Accuracy(net, held); err != nil {
		return Teaching{}, err
	}
	t.Net = net.Clone()
	// The person's recordings count as much as the replay: each is repeated to match it.
	train := append([]Clip(nil), replay...)
	for k := 0; k < max(1, len(replay)/len(taught)); k++ {
		train = append(train, taught...)
	}
	opt := nn.Optimizer{Kind: nn.Adam, LearningRate: 0.0003}
	tr, err := nn.NewTrainer(t.Net, &opt, 16, seed)
	if err != nil {
		return Teaching{}, err
	}
	set := &Set{Clips: train, Augment: true, Seed: seed, Epoch: func() int { return tr.Epochs }}
	for range epochs {
		if _, err := tr.Epoch(set, nil); err != nil {
			return Teaching{}, err
		}
	}
	if t.After, err = Accuracy(t.Net, held); err != nil {
		return Teaching{}, err
	}
	return t, nil
}

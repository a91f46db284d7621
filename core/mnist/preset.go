package mnist

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"somehow/core/nn"
)

// Preset is a complete MNIST training recipe: what network, how to start it, how to train it.
type Preset struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Arch        nn.Architecture `json:"architecture"`
	Init        nn.Init         `json:"init"`
	Optimizer   nn.Optimizer    `json:"optimizer"`
	BatchSize   int             `json:"batchSize"`
	Epochs      int             `json:"epochs"`
	// Deskew straightens every image (training, test and what is drawn) by its moments.
	Deskew bool `json:"deskew,omitempty"`
	// Augment trains on randomly tilted, scaled, sheared, shifted and re-inked copies
	// (digit.DefaultAugmentation), new ones every epoch.
	Augment bool `json:"augment,omitempty"`
	// People adds this many of people's digits (mnist.Styles, each by a new random writer) to
	// every epoch: the styles of writing MNIST has few of.
	People int `json:"people,omitempty"`
}

func mustArch(sizes string, hidden, output nn.Activation, loss nn.Loss) nn.Architecture {
	a, err := nn.ParseArchitecture(sizes, hidden, output, loss)
	if err != nil {
		panic(err)
	}
	return a
}

// Presets are the MNIST recipes the CLI and the page offer.
var Presets = map[string]Preset{
	"paper": {
		Name:        "paper",
		Description: "the paper's network exactly: 784-16-16-16-10, ReLU hidden, sigmoid output, MSE, SGD lr 0.1 with decay 0.001, batch 64, He init",
		Arch:        mustArch("784-16-16-16-10", nn.ReLU, nn.Sigmoid, nn.MSE),
		Init:        nn.Init{Kind: nn.He},
		Optimizer:   nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1, Decay: 0.001},
		BatchSize:   64,
		Epochs:      5,
	},
	"paper-softmax": {
		Name:        "paper-softmax",
		Description: "the paper's network and SGD recipe with the paper's own wish, a softmax output and cross-entropy: 784-16-16-16-10, ReLU hidden, SGD lr 0.1 with decay 0.001, batch 64, He init",
		Arch:        mustArch("784-16-16-16-10", nn.ReLU, nn.Softmax, nn.CrossEntropy),
		Init:        nn.Init{Kind: nn.He},
		Optimizer:   nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1, Decay: 0.001},
		BatchSize:   64,
		Epochs:      5,
	},
	"best": {
		Name:        "best",
		Description: "784-800-10, ReLU hidden, softmax output, cross-entropy, SGD lr 0.1 momentum 0.9 with decay 0.001, batch 64, He init",
		Arch:        mustArch("784-800-10", nn.ReLU, nn.Softmax, nn.CrossEntropy),
		Init:        nn.Init{Kind: nn.He},
		Optimizer:   nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1, Momentum: 0.9, Decay: 0.001},
		BatchSize:   64,
		Epochs:      5,
	},
	"conv": {
		Name:        "conv",
		Description: "the pad's reader: 28x28, conv 5x5x16 same, ReLU, pool 2, conv 5x5x32 same, ReLU, pool 2, 128 ReLU, softmax 10, cross-entropy, SGD lr 0.05 momentum 0.9 with decay 0.001, batch 64, He init, 15 epochs on augmented, deskewed digits and 12000 of people's digits an epoch",
		Arch:        mustArch("28x28-conv5x5x16same-pool2-conv5x5x32same-pool2-128-10", nn.ReLU, nn.Softmax, nn.CrossEntropy),
		Init:        nn.Init{Kind: nn.He},
		Optimizer:   nn.Optimizer{Kind: nn.SGD, LearningRate: 0.05, Momentum: 0.9, Decay: 0.001},
		BatchSize:   64,
		Epochs:      15,
		Augment:     true,
		Deskew:      true,
		People:      12000,
	},
	"convnetjs": {
		Name:        "convnetjs",
		Description: "ConvNetJS's MNIST demo network, for timing: 28x28, conv 5x5x8 same, ReLU, pool 2, conv 5x5x16 same, ReLU, pool 3, softmax 10, cross-entropy, SGD lr 0.01 momentum 0.9, batch 64, He init",
		Arch:        mustArch("28x28-conv5x5x8same-pool2-conv5x5x16same-pool3-10", nn.ReLU, nn.Softmax, nn.CrossEntropy),
		Init:        nn.Init{Kind: nn.He},
		Optimizer:   nn.Optimizer{Kind: nn.SGD, LearningRate: 0.01, Momentum: 0.9},
		BatchSize:   64,
		Epochs:      1,
	},
	"fast": {
		Name:        "fast",
		Description: "784-128-10, ReLU hidden, softmax output, cross-entropy, SGD lr 0.05 momentum 0.9, batch 64, He init",
		Arch:        mustArch("784-128-10", nn.ReLU, nn.Softmax, nn.CrossEntropy),
		Init:        nn.Init{Kind: nn.He},
		Optimizer:   nn.Optimizer{Kind: nn.SGD, LearningRate: 0.05, Momentum: 0.9},
		BatchSize:   64,
		Epochs:      5,
	},
}

// PresetNames lists the presets' names in order.
func PresetNames() []string {
	var names []string
	for n := range Presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupPreset finds a preset by name.
func LookupPreset(name string) (Preset, error) {
	p, ok := Presets[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Preset{}, fmt.Errorf("unknown preset %q: use one of %s", name, strings.Join(PresetNames(), ", "))
	}
	return p, nil
}

// Overrides change a preset: the CLI's flags and the page's training form both become one.
// An empty string, a nil pointer or a zero number keeps the preset's value.
type Overrides struct {
	Arch         string   `json:"arch,omitempty"` // layer sizes, input first: "784-128-10"
	Activation   string   `json:"activation,omitempty"`
	Output       string   `json:"output,omitempty"`
	Loss         string   `json:"loss,omitempty"`
	Init         string   `json:"init,omitempty"`
	Optimizer    string   `json:"optimizer,omitempty"`
	LearningRate *float64 `json:"learningRate,omitempty"`
	Momentum     *float64 `json:"momentum,omitempty"`
	Decay        *float64 `json:"decay,omitempty"`
	L2           *float64 `json:"l2,omitempty"`
	Batch        int      `json:"batch,omitempty"`
	Epochs       int      `json:"epochs,omitempty"`
	Deskew       *bool    `json:"deskew,omitempty"`
	Augment      *bool    `json:"augment,omitempty"`
	People       *int     `json:"people,omitempty"`
}

// MaxEpochs bounds a run's length, MaxPeople the people's digits added to an epoch.
const (
	MaxEpochs = 1000
	MaxPeople = 60000
)

// Apply returns p changed by o, checked: an MNIST network (784 inputs, 10 outputs), a valid
// optimiser, a positive batch and 1 to MaxEpochs epochs. A changed network is named "custom".
func (o Overrides) Apply(p Preset) (Preset, error) {
	if o.Arch != "" || o.Activation != "" || o.Output != "" || o.Loss != "" {
		hidden, output, loss := p.Arch.Layers[0].Activation, p.Arch.Layers[len(p.Arch.Layers)-1].Activation, p.Arch.Loss
		var err error
		if o.Activation != "" {
			if hidden, err = nn.ParseActivation(o.Activation); err != nil {
				return Preset{}, err
			}
		}
		if o.Output != "" {
			if output, err = nn.ParseActivation(o.Output); err != nil {
				return Preset{}, err
			}
		}
		if o.Loss != "" {
			if loss, err = nn.ParseLoss(o.Loss); err != nil {
				return Preset{}, err
			}
		}
		sizes := o.Arch
		if sizes == "" {
			sizes = p.Arch.String()
		}
		if p.Arch, err = nn.ParseArchitecture(sizes, hidden, output, loss); err != nil {
			return Preset{}, err
		}
		p.Name = "custom"
	}
	if o.Init != "" {
		in, err := nn.ParseInit(o.Init)
		if err != nil {
			return Preset{}, err
		}
		p.Init = in
	}
	if o.Optimizer != "" {
		kind, err := nn.ParseOptimizer(o.Optimizer)
		if err != nil {
			return Preset{}, err
		}
		p.Optimizer.Kind = kind
	}
	for _, f := range []struct {
		v   *float64
		dst *float32
	}{{o.LearningRate, &p.Optimizer.LearningRate}, {o.Momentum, &p.Optimizer.Momentum}, {o.Decay, &p.Optimizer.Decay}, {o.L2, &p.Optimizer.WeightDecay}} {
		if f.v != nil {
			*f.dst = float32(*f.v)
		}
	}
	if o.Batch != 0 {
		p.BatchSize = o.Batch
	}
	if o.Epochs != 0 {
		p.Epochs = o.Epochs
	}
	if o.Deskew != nil {
		p.Deskew = *o.Deskew
	}
	if o.Augment != nil {
		p.Augment = *o.Augment
	}
	if o.People != nil {
		p.People = *o.People
	}
	return p, p.Validate()
}

// Recipe is how p makes and trains its network.
func (p Preset) Recipe() nn.Recipe {
	return nn.Recipe{Arch: p.Arch, Init: p.Init, Optimizer: p.Optimizer, BatchSize: p.BatchSize}
}

// Validate checks that p can train on MNIST.
func (p Preset) Validate() error {
	if p.Arch.Inputs != ImageSize || p.Arch.Outputs() != 10 {
		return fmt.Errorf("MNIST networks take %d inputs and give 10 outputs; %s does not", ImageSize, p.Arch)
	}
	if p.Epochs < 1 || p.Epochs > MaxEpochs {
		return fmt.Errorf("epochs must be between 1 and %d, not %d", MaxEpochs, p.Epochs)
	}
	if p.BatchSize < 1 {
		return errors.New("the batch size must be at least 1")
	}
	if p.People < 0 || p.People > MaxPeople {
		return fmt.Errorf("people's digits per epoch must be between 0 and %d, not %d", MaxPeople, p.People)
	}
	if err := p.Init.Validate(); err != nil {
		return err
	}
	return p.Optimizer.Validate()
}

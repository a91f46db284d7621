package nn

import (
	"fmt"
	"sort"
	"strings"
)

// Preset is a complete MNIST training recipe: what network, how to start it, how to train it.
type Preset struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Arch        Architecture `json:"architecture"`
	Init        Init         `json:"init"`
	Optimizer   Optimizer    `json:"optimizer"`
	BatchSize   int          `json:"batchSize"`
	Epochs      int          `json:"epochs"`
}

func mnistArch(sizes string, hidden, output Activation, loss Loss) Architecture {
	a, err := ParseArchitecture(sizes, hidden, output, loss)
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
		Arch:        mnistArch("784-16-16-16-10", ReLU, Sigmoid, MSE),
		Init:        Init{Kind: He},
		Optimizer:   Optimizer{Kind: SGD, LearningRate: 0.1, Decay: 0.001},
		BatchSize:   64,
		Epochs:      5,
	},
	"best": {
		Name:        "best",
		Description: "784-800-10, ReLU hidden, softmax output, cross-entropy, SGD lr 0.1 momentum 0.9 with decay 0.001, batch 64, He init",
		Arch:        mnistArch("784-800-10", ReLU, Softmax, CrossEntropy),
		Init:        Init{Kind: He},
		Optimizer:   Optimizer{Kind: SGD, LearningRate: 0.1, Momentum: 0.9, Decay: 0.001},
		BatchSize:   64,
		Epochs:      5,
	},
	"fast": {
		Name:        "fast",
		Description: "784-128-10, ReLU hidden, softmax output, cross-entropy, SGD lr 0.05 momentum 0.9, batch 64, He init",
		Arch:        mnistArch("784-128-10", ReLU, Softmax, CrossEntropy),
		Init:        Init{Kind: He},
		Optimizer:   Optimizer{Kind: SGD, LearningRate: 0.05, Momentum: 0.9},
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

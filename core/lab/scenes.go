package lab

import "somehow/core/nn"

// Scene is a setup a teacher picks in one click: the points, both panes' models, how many
// epochs a frame trains, and the one line under the controls that says what it shows.
type Scene struct {
	Title   string `json:"title"` // as the page's list of scenes names it
	Caption string `json:"caption"`
	// Shows is what the caption points at besides the planes, which presenter mode keeps on the
	// screen: "loss" (the loss chart) or "network" (the network view).
	Shows  string       `json:"shows,omitempty"`
	Data   DataSpec     `json:"data"`
	Models [2]ModelSpec `json:"models"`
	Speed  int          `json:"speed"` // epochs a frame
}

// mlp is DefaultMLP changed by change.
func mlp(change func(*ModelSpec)) ModelSpec {
	m := DefaultMLP()
	change(&m)
	return m
}

// adam is the scenes' optimiser: it steps each weight by its own scale, so deep and shallow
// networks learn at the pace a class can watch. Its step size decays (η / (1 + √(0.001·t))):
// at a constant step, once a network fits its points the gradients' running scale collapses and
// each step is still η large, so the weights are kicked about until tanh units saturate or ReLU
// units die; the spiral's deep network fell from 100% to 54% near epoch 1150, and the
// overfitting scene's big network stopped fitting its noise after about 5000 epochs. With the
// decay both hold their point past 20 000 epochs (TestScenesKeepTheirPoint).
func adam(lr float64) func(*ModelSpec) {
	return func(m *ModelSpec) { m.Optimizer, m.LearningRate, m.Momentum, m.Decay = "adam", lr, 0, 0.001 }
}

// Scenes are the lab's scenes by name; SceneNames gives their order in the page's list.
var Scenes = map[string]Scene{
	"xor": {
		Title:   "A perceptron cannot learn XOR",
		Caption: "XOR: no straight line separates the colours. The perceptron keeps moving its line; the network bends its boundary around them.",
		Data:    DefaultData(), Models: [2]ModelSpec{DefaultPerceptron(), DefaultMLP()}, Speed: 2,
	},
	"two-layers": {
		Title:   "Two layers can",
		Caption: "One hidden layer of four neurons is already enough for XOR: each neuron draws a line, the output combines them.",
		Shows:   "network",
		Data:    DefaultData(), Models: [2]ModelSpec{DefaultPerceptron(), mlp(func(m *ModelSpec) { m.Hidden = []int{4} })}, Speed: 2,
	},
	"spiral": {
		Title:   "The spiral needs depth",
		Caption: "The spiral needs depth: one hidden layer of six neurons struggles, three layers of twelve wind their boundary around the arms.",
		Data:    DataSpec{Kind: "spiral", Points: 500, Classes: 2, Noise: 0.02, TestFraction: 0.2, Seed: 3, Custom: []Point{}},
		Models: [2]ModelSpec{
			mlp(func(m *ModelSpec) { m.Hidden = []int{6}; adam(0.02)(m) }),
			mlp(func(m *ModelSpec) { m.Hidden = []int{12, 12, 12}; adam(0.02)(m) }),
		},
		Speed: 4,
	},
	"overfitting": {
		Title:   "Overfitting: too many neurons on noisy data",
		Caption: "Watch the test loss: the big network keeps lowering its training loss by learning the noise, and its test loss climbs.",
		Shows:   "loss",
		Data:    DataSpec{Kind: "circles", Points: 80, Classes: 2, Noise: 0.22, TestFraction: 0.5, Seed: 4, Custom: []Point{}},
		Models: [2]ModelSpec{
			mlp(func(m *ModelSpec) { m.Hidden = []int{3}; adam(0.02)(m); m.Batch = 5 }),
			mlp(func(m *ModelSpec) {
				m.Hidden, m.Activation, m.Init = []int{16, 16, 16, 16}, "relu", "he"
				adam(0.01)(m)
				m.Batch = 5
			}),
		},
		Speed: 10,
	},
	"symmetry": {
		Title:   "Equal weights never break symmetry",
		Caption: "Equal starting weights stay equal: the left network's six neurons move in lockstep and act as one; random starts break the tie.",
		Shows:   "network",
		Data:    DataSpec{Kind: "circles", Points: 300, Classes: 2, Noise: 0.05, TestFraction: 0.3, Seed: 2, Custom: []Point{}},
		Models: [2]ModelSpec{
			mlp(func(m *ModelSpec) { m.Hidden, m.Init = []int{6}, "constant:0.5" }),
			mlp(func(m *ModelSpec) { m.Hidden = []int{6} }),
		},
		Speed: 2,
	},
}

// SceneNames is the order of the scenes in the page's list.
var SceneNames = []string{"xor", "two-layers", "spiral", "overfitting", "symmetry"}

// Catalogue is the reply to {type: "catalogue"}: what the page needs to know once, so that the
// worker stays the one judge of a scene. The page parses links only for shape and size, and
// leaves every value to the worker.
type Catalogue struct {
	Type   string `json:"type"` // "catalogue"
	Limits Limits `json:"limits"`
	// Defaults are what a new pane or new data starts from.
	Defaults struct {
		Data       DataSpec  `json:"data"`
		Perceptron ModelSpec `json:"perceptron"`
		MLP        ModelSpec `json:"mlp"`
	} `json:"defaults"`
	Scenes      map[string]Scene    `json:"scenes"`
	SceneNames  []string            `json:"sceneNames"`
	Activations []nn.ActivationInfo `json:"activations"`
}

// Limits are the lab's bounds, as the page shows them beside its fields.
type Limits struct {
	Extent          float64 `json:"extent"`
	MaxPoints       int     `json:"maxPoints"`
	MaxClasses      int     `json:"maxClasses"`
	MaxHiddenLayers int     `json:"maxHiddenLayers"`
	MaxHiddenUnits  int     `json:"maxHiddenUnits"`
	MaxBatch        int     `json:"maxBatch"`
	MaxEpochs       int     `json:"maxEpochs"`
	MaxLearningRate float64 `json:"maxLearningRate"`
	MaxWeight       float64 `json:"maxWeight"`
	HeatmapSize     int     `json:"heatmapSize"`
	ThumbnailSize   int     `json:"thumbnailSize"`
}

// NewCatalogue returns the lab's catalogue.
func NewCatalogue() Catalogue {
	c := Catalogue{Type: "catalogue", Scenes: Scenes, SceneNames: SceneNames, Activations: nn.Activations(),
		Limits: Limits{Extent: Extent, MaxPoints: MaxPoints, MaxClasses: MaxClasses, MaxHiddenLayers: MaxHiddenLayers,
			MaxHiddenUnits: MaxHiddenUnits, MaxBatch: MaxBatch, MaxEpochs: MaxEpochs, MaxLearningRate: MaxLearningRate,
			MaxWeight: MaxWeight, HeatmapSize: HeatmapSize, ThumbnailSize: ThumbnailSize}}
	c.Defaults.Data, c.Defaults.Perceptron, c.Defaults.MLP = DefaultData(), DefaultPerceptron(), DefaultMLP()
	return c
}

// Package lab is the lab: one set of 2D points and two panes, each a model (the perceptron or an
// MLP) learning those points side by side, the scenes a teacher picks, and the frames that draw
// them. The page reaches it through core/engine/lab; its messages and replies are listed with
// the rest of the protocol in core/engine (protocol.go), and their bodies are here.
//
// Points and heatmaps live in the square [-Extent, Extent]², y pointing up.
package lab

// Extent is the half-width of the square the lab draws.
const Extent = 1.25

// HeatmapSize is the side of the decision-boundary grid, in cells; CoarseHeatmapSize is the
// quarter-cost grid a frame may ask for while the weights move fast (the page draws it smoothed).
const (
	HeatmapSize       = 100
	CoarseHeatmapSize = 50
)

// ThumbnailSize is the side of a neuron's thumbnail, in cells.
const ThumbnailSize = 24

// Request is a lab message from the page. Fields a type does not use are ignored.
type Request struct {
	Type string `json:"type"`

	Data  *DataSpec  `json:"data,omitempty"`
	Pane  *int       `json:"pane,omitempty"`
	Model *ModelSpec `json:"model,omitempty"`
	// Models are both panes' models, for setScene.
	Models []ModelSpec `json:"models,omitempty"`

	Panes    []int   `json:"panes,omitempty"`
	Epochs   int     `json:"epochs,omitempty"`
	BudgetMs float64 `json:"budgetMs,omitempty"`
	Network  bool    `json:"network,omitempty"`
	// Coarse asks for the CoarseHeatmapSize grid instead of the full one.
	Coarse bool `json:"coarse,omitempty"`
	// PointsVersion is the Frame.PointsVersion of the points the page already holds: a frame
	// leaves the points out while they are unchanged (500 points are most of a frame's JSON).
	PointsVersion int `json:"pointsVersion,omitempty"`

	// addPoint and removePoint.
	X     float64 `json:"x,omitempty"`
	Y     float64 `json:"y,omitempty"`
	Label int     `json:"label,omitempty"`
	Test  bool    `json:"test,omitempty"`

	// setWeight.
	Layer int     `json:"layer,omitempty"`
	From  int     `json:"from,omitempty"`
	To    int     `json:"to,omitempty"`
	Value float64 `json:"value,omitempty"`
}

// DataSpec describes the points: generated from a kind and seed, plus any placed by hand.
type DataSpec struct {
	Kind         string  `json:"kind"`         // linear, xor, circles, gaussians, spiral, moons, or none
	Points       int     `json:"points"`       // how many to generate
	Classes      int     `json:"classes"`      // 2 to 8
	Noise        float64 `json:"noise"`        // 0 to 1
	TestFraction float64 `json:"testFraction"` // share of generated points held out for testing, 0 to 0.9
	Seed         uint64  `json:"seed"`
	Custom       []Point `json:"custom,omitempty"` // points placed by hand
}

// Point is one labelled point, in the training set or the test set.
type Point struct {
	X     float32 `json:"x"`
	Y     float32 `json:"y"`
	Label int     `json:"label"`
	Test  bool    `json:"test,omitempty"`
}

// ModelSpec describes one pane's model.
type ModelSpec struct {
	Kind         string  `json:"kind"`                 // "perceptron" or "mlp"
	Hidden       []int   `json:"hidden,omitempty"`     // MLP: 0 to 6 hidden layers of 1 to 16 neurons
	Activation   string  `json:"activation,omitempty"` // MLP hidden: sigmoid, tanh, relu, leakyrelu, linear
	Output       string  `json:"output,omitempty"`     // MLP output: sigmoid or softmax
	Loss         string  `json:"loss,omitempty"`       // mse or crossentropy
	Init         string  `json:"init,omitempty"`       // he, xavier, uniform, constant
	Optimizer    string  `json:"optimizer,omitempty"`  // sgd (default) or adam
	LearningRate float64 `json:"learningRate"`         // η
	Momentum     float64 `json:"momentum"`             // SGD momentum, 0 to 0.99 (0 is a choice, not a default)
	L2           float64 `json:"l2,omitempty"`         // weight decay
	Decay        float64 `json:"decay,omitempty"`      // the learning rate after t steps is η / (1 + √(decay·t))
	Batch        int     `json:"batch,omitempty"`      // examples per step
	Seed         uint64  `json:"seed"`
}

// Frame is the reply that redraws the page: both panes and the points.
type Frame struct {
	Type   string  `json:"type"` // "frame"
	Extent float64 `json:"extent"`
	// PointsVersion changes whenever the points do (from 1 up, never repeating in a worker).
	PointsVersion int `json:"pointsVersion"`
	// Points are present (possibly empty) unless the request's PointsVersion is current.
	Points []Point     `json:"points,omitzero"`
	Panes  []PaneFrame `json:"panes"` // the panes asked for, in order
}

// PaneFrame is one pane's state.
type PaneFrame struct {
	Pane          int     `json:"pane"` // 0 (left) or 1 (right)
	Kind          string  `json:"kind"`
	Architecture  string  `json:"architecture"`
	Epoch         int     `json:"epoch"`
	TrainLoss     float64 `json:"trainLoss"`
	TestLoss      float64 `json:"testLoss"`
	TrainAccuracy float64 `json:"trainAccuracy"` // 0 to 1
	TestAccuracy  float64 `json:"testAccuracy"`
	Diverged      bool    `json:"diverged"`
	Message       string  `json:"message,omitempty"`
	// Heatmap is HeatmapCells² cells, row 0 at the top (y = +Extent): for each cell the predicted
	// class, then the confidence 0-255, two bytes a cell. It travels as bytes (Frame.Bytes).
	Heatmap      []byte `json:"-"`
	HeatmapCells int    `json:"heatmapCells"` // HeatmapSize, or CoarseHeatmapSize when asked
	// Predicted is the class the model gives each point, in Frame.Points order.
	Predicted []int `json:"predicted"`
	// Lines is the two-class perceptron's boundary w1·x + w2·y + b = 0.
	Lines [][3]float32 `json:"lines,omitempty"`
	// Network is present when asked for.
	Network *NetworkView `json:"network,omitempty"`
}

// NetworkView is what the page needs to draw a network: its layers, weights and neurons.
type NetworkView struct {
	Inputs int         `json:"inputs"`
	Layers []LayerView `json:"layers"`
	// InputThumbnails are the thumbnails of the inputs x and y (bytes: Frame.Bytes).
	InputThumbnails [][]byte `json:"-"`
}

// LayerView is one layer: Weights[i][j] connects input i to neuron j.
type LayerView struct {
	Activation string      `json:"activation"`
	Weights    [][]float32 `json:"weights"`
	Biases     []float32   `json:"biases"`
	// Thumbnails has each neuron's output over the square, ThumbnailSize² bytes, 0-255 scaled to
	// the activation's range, row 0 at the top (bytes: Frame.Bytes).
	Thumbnails [][]byte `json:"-"`
}

// Package lab is the playground's engine: one dataset of 2D points and two panes, each a model
// (the perceptron or an MLP) learning that dataset side by side. The web worker holds one Lab and
// hands it every message from the page; the page only draws what comes back.
//
// # The message protocol
//
// This is the one place the page ↔ worker protocol is written down. Every message is a JSON
// object with a "type" and, optionally, an "id" that the reply repeats. Every reply is a JSON
// object: the answer below, or {"id", "type": "error", "error": "a sentence"}. A bad message
// never kills the worker; the lab keeps its previous state.
//
//	page → worker                         worker → page
//	{type: "hello"}                       {type: "hello", version, kinds, presets}
//	{type: "setScene", data, models}      Frame (data and both panes' ModelSpecs at once, all or
//	                                      nothing: what a link or a preset sets up)
//	{type: "setData", data: DataSpec}     Frame (data replaced; both panes reset)
//	{type: "setModel", pane, model}       Frame (that pane rebuilt from ModelSpec)
//	{type: "reset", pane?}                Frame (weights re-drawn from the seed; no pane = both)
//	{type: "train", epochs, budgetMs}     Frame (each live pane trains up to epochs epochs, or
//	                                      until budgetMs of work has passed: the worker is never
//	                                      busy for much longer, so pause and new settings apply
//	                                      within one frame)
//	{type: "frame", network}              Frame (no training)
//	{type: "addPoint", x, y, label, test} Frame (a point added; models keep their weights)
//	{type: "removePoint", x, y}           Frame (the point nearest (x, y) within 0.08 removed)
//	{type: "setWeight", pane, layer,      Frame (one weight or bias of an MLP set by hand; from
//	  from, to, value}                    = -1 means the bias of neuron to)
//
// Every Frame-returning message also takes "network": true to include the drawn network
// (weights and each neuron's thumbnail); it costs more, so the page asks a few times a second.
// And it takes "panes": [i, ...] to train and report only those panes (default: both). The page
// runs two workers, each holding the same points and training only its own pane, so the two
// panes use two CPU cores.
//
// Points and heatmaps live in the square [-Extent, Extent]², y pointing up.
//
// # Digit messages
//
// Files and the drawn canvas travel as bytes, not JSON: the worker stores them in the Go
// program under a name ("blob") before handing it the message that uses them. A message may
// carry "fetch": {blobName: url} (the worker downloads each) or "bytes": {blobName: ArrayBuffer}
// (sent by the page, transferred); worker.js resolves both, then calls Go. Byte fields of
// replies ([]byte in Go) are base64 strings in JSON.
//
//	page → worker                              worker → page
//	{type: "loadModel", name, blob, use}       Models (the model file in blob, checked; a bad
//	                                           file is an error and the current model stays)
//	{type: "models"}                           Models {models: [ModelInfo], current}
//	{type: "presets"}                          PresetList (the MNIST recipes, as in the CLI)
//	{type: "useModel", name}                   Models
//	{type: "classify", blob, width, height}    Classified (blob: one byte a canvas pixel, 0 paper
//	                                           to 255 ink; MNIST preprocessing, then the model)
//	{type: "loadMNIST"}                        MNISTLoaded (from blobs train-images, train-labels,
//	                                           test-images, test-labels: the original IDX files)
//	{type: "trainStart", train: TrainSpec}     Progress (a fresh network; nothing trained yet)
//	{type: "trainSlice", budgetMs}             Progress (trains, then scores the test set after
//	                                           each epoch, for about budgetMs; call it again and
//	                                           again; pausing is simply not calling it)
//	{type: "trainStop"}                        Progress (the network so far becomes the model
//	                                           "trained"; finishing does the same)
//	{type: "evaluate"}                         Evaluation (test error, confusion, mistakes)
//	{type: "testImage", index}                 TestImage (one test image and its ten outputs)
//	{type: "weights"}                          Weights (first layer, one 28×28 image a neuron)
//	{type: "exportModel"}                      Exported (the current model as a model file)
//
// # Lesson messages
//
// Each lesson's figure is computed here from the numbers the page sends (see core/lessons):
//
//	{type: "neuron", neuron: Neuron}                       {type: "neuron", result: NeuronResult}
//	{type: "activations", s, layers}                       {type: "activations", curves, vanishing}
//	{type: "approximate", target, custom, sigmoids, offset} {type: "approximation", approximation}
//	{type: "fitStart", target, custom, units, seed}        {type: "approximation", approximation, epochs}
//	{type: "fitTrain", epochs}                             the same, after more training
//	{type: "terrain", landscape}                           {type: "terrain", terrain}
//	{type: "descend", landscape, start, learningRate,      {type: "descent", descent}
//	  momentum, steps}
//	{type: "backprop", backprop: Backprop}                 {type: "backprop", backprop} (every number
//	                                                        of one step, and the finite-difference check)
package lab

import "somehow/core/lessons"

// Version is reported by hello; the page checks it to catch a stale cached worker.
const Version = 1

// Extent is the half-width of the square the lab draws.
const Extent = 1.25

// HeatmapSize is the side of the decision-boundary grid, in cells.
const HeatmapSize = 100

// ThumbnailSize is the side of a neuron's thumbnail, in cells.
const ThumbnailSize = 24

// Request is any message from the page. Fields a type does not use are ignored.
type Request struct {
	ID   int    `json:"id,omitempty"`
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

	X     float64 `json:"x,omitempty"`
	Y     float64 `json:"y,omitempty"`
	Label int     `json:"label,omitempty"`
	Test  bool    `json:"test,omitempty"`

	// Digit messages.
	Name   string     `json:"name,omitempty"`
	Blob   string     `json:"blob,omitempty"`
	Use    bool       `json:"use,omitempty"`
	Width  int        `json:"width,omitempty"`
	Height int        `json:"height,omitempty"`
	Index  int        `json:"index,omitempty"`
	Train  *TrainSpec `json:"train,omitempty"`

	// Lesson messages.
	Neuron       *lessons.Neuron   `json:"neuron,omitempty"`
	S            float64           `json:"s,omitempty"`
	Layers       int               `json:"layers,omitempty"`
	Target       string            `json:"target,omitempty"`
	Custom       []lessons.Point   `json:"custom,omitempty"`
	Sigmoids     []lessons.Sigmoid `json:"sigmoids,omitempty"`
	Offset       float64           `json:"offset,omitempty"`
	Units        int               `json:"units,omitempty"`
	Seed         uint64            `json:"seed,omitempty"`
	Landscape    string            `json:"landscape,omitempty"`
	Start        [2]float64        `json:"start,omitempty"`
	LearningRate float64           `json:"learningRate,omitempty"`
	Momentum     float64           `json:"momentum,omitempty"`
	Steps        int               `json:"steps,omitempty"`
	Backprop     *lessons.Backprop `json:"backprop,omitempty"`

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
	Kind         string  `json:"kind"`         // "perceptron" or "mlp"
	Hidden       []int   `json:"hidden"`       // MLP: 0 to 6 hidden layers of 1 to 16 neurons
	Activation   string  `json:"activation"`   // MLP hidden: sigmoid, tanh, relu, linear
	Output       string  `json:"output"`       // MLP output: sigmoid or softmax
	Loss         string  `json:"loss"`         // mse or crossentropy
	Init         string  `json:"init"`         // he, xavier, uniform, constant
	Optimizer    string  `json:"optimizer"`    // sgd (default) or adam
	LearningRate float64 `json:"learningRate"` // η
	Momentum     float64 `json:"momentum"`     // SGD momentum, 0 to 0.99
	L2           float64 `json:"l2"`           // weight decay
	Batch        int     `json:"batch"`        // examples per step
	Seed         uint64  `json:"seed"`
}

// Frame is the reply that redraws the page: both panes and the points.
type Frame struct {
	ID     int         `json:"id,omitempty"`
	Type   string      `json:"type"` // "frame"
	Extent float64     `json:"extent"`
	Points []Point     `json:"points"`
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
	// Heatmap is HeatmapSize² cells, row 0 at the top (y = +Extent): for each cell the predicted
	// class, then the confidence 0-255, two bytes a cell (base64 in JSON).
	Heatmap []byte `json:"heatmap"`
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
	// InputThumbnails are the thumbnails of the inputs x and y.
	InputThumbnails [][]byte `json:"inputThumbnails"`
}

// LayerView is one layer: Weights[i][j] connects input i to neuron j.
type LayerView struct {
	Activation string      `json:"activation"`
	Weights    [][]float32 `json:"weights"`
	Biases     []float32   `json:"biases"`
	// Thumbnails has each neuron's output over the square, ThumbnailSize² bytes, 0-255 scaled to
	// the activation's range, row 0 at the top.
	Thumbnails [][]byte `json:"thumbnails"`
}

// Hello is the reply to hello.
type Hello struct {
	ID      int      `json:"id,omitempty"`
	Type    string   `json:"type"` // "hello"
	Version int      `json:"version"`
	Kinds   []string `json:"kinds"`
}

// ErrorReply is the reply to a message that could not be carried out.
type ErrorReply struct {
	ID    int    `json:"id,omitempty"`
	Type  string `json:"type"` // "error"
	Error string `json:"error"`
}

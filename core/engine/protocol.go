// Package engine is the web worker's side of the page: a router that hands each message from
// the page to the handler of the page it names (the lab, digits, lessons), and the one place the
// whole page ↔ worker protocol is written down. Each page's handler is a thin adapter over a
// core package and owns its message bodies (in its own folder); handlers never import each
// other. Three things are kept apart by name: the Router (this package), a page's Handler
// (core/engine/lab, digits, lessons), and the compiled WebAssembly module the page hands to
// each worker (web/worker.js runs it; wasm/playground is its Go program).
//
// # The envelope
//
// A message is a JSON object {page, type, ...body} plus, beside it, named byte buffers. The page
// posts {id, page, type, ..., bytes: {name: ArrayBuffer}, fetch: {name: url}} to the worker
// (web/rpc.js); the worker (web/worker.js) downloads each "fetch" URL into a buffer of that
// name, then hands the JSON (without id, bytes and fetch) and the buffers to Go
// (wasm/playground). A reply is a JSON object with a "type", or ErrorReply {type: "error",
// error: "a sentence"}, plus its own named byte buffers; the worker adds to every reply
//
//	id           the request's id (errors too)
//	bytes        {name: Uint8Array}, transferred, never copied, never base64
//	workerMs     milliseconds the Go core took
//	parseMs      milliseconds reading the reply's JSON took
//	memoryBytes  the size of the Go program's memory
//	simd         true when the products run in WebAssembly SIMD (wasm/simd), not Go's loops
//
// and posts it. Bytes: images, heatmaps, model files, MNIST files. A buffer handed to Go is at
// most MaxBytes.
//
// The worker's own messages, which never reach Go:
//
//	page → worker                          worker → page
//	{type: "module", module, simd}         (the compiled WebAssembly module: the worker starts it;
//	                                       simd false keeps the products in Go's loops, ?simd=off)
//	                                       {type: "ready"} once Go has started; messages sent
//	                                       before it wait, in order
//	                                       {type: "error", error, fatal?} for a failure that
//	                                       answers no request (the module did not start, Go stopped)
//	{type: "helpers", ports}               (the training worker's side of each helper's channel:
//	                                       its team is itself and these, 0, 1 or 3 of them)
//	{type: "port", port}                   (a helper's side: messages arriving on the port are
//	                                       handled like the page's, and answered on it)
//
// # page "lab" (core/engine/lab over core/lab): two panes learning one set of 2D points
//
//	page → worker                         worker → page
//	{type: "catalogue"}                   Catalogue (limits, defaults, scenes, activations: what
//	                                      the page needs once; the worker judges every value)
//	{type: "setScene", data, models}      Frame (data and both panes' ModelSpecs at once, all or
//	                                      nothing: what a link or a preset sets up)
//	{type: "setData", data: DataSpec}     Frame (data replaced; both panes reset)
//	{type: "setModel", pane, model}       Frame (that pane rebuilt from ModelSpec)
//	{type: "reset", pane?}                Frame (weights re-drawn from the seed; no pane = both)
//	{type: "train", epochs, budgetMs}     Frame (each live pane trains up to epochs epochs, or
//	                                      until budgetMs of work has passed)
//	{type: "frame", network}              Frame (no training)
//	{type: "addPoint", x, y, label, test} Frame (a point added; models keep their weights)
//	{type: "removePoint", x, y}           Frame (the point nearest (x, y) within 0.08 removed)
//	{type: "setWeight", pane, layer,      Frame (one weight or bias set by hand; from = -1 means
//	  from, to, value}                    the bias of neuron to)
//
// Every message also takes "network": true to include the drawn network, "coarse": true for a
// 50×50 heatmap instead of 100×100 (a quarter of the work, while training), and "panes": [i, ...]
// to train and report only those panes (the page runs one worker per pane, so the two panes
// use two CPU cores), and "pointsVersion": the Frame.pointsVersion of the points the page holds
// (a Frame carries "points" only when they changed since). A Frame's bytes: "heatmap.P" (pane P's heatmapCells² cells, two bytes a
// cell: class, confidence 0-255) and, with the network, "thumbnails.P" (every neuron's
// ThumbnailSize² thumbnail, the inputs first, then each layer in order).
//
// # page "digits" (core/engine/digits over core/mnist): read a drawing, train on MNIST
//
//	page → worker                              worker → page
//	{type: "loadModel", name, use}             Models (bytes in: "model", a model file; a bad
//	  + bytes "model"                          file is an error and the current model stays)
//	{type: "models"}                           Models {models: [ModelInfo], current}
//	{type: "presets"}                          PresetList (the MNIST recipes, as in the CLI)
//	{type: "useModel", name}                   Models
//	{type: "classify", width, height,          Classified; bytes out "input" (the 28×28 the
//	  features?} + bytes "canvas"              network saw), "centred" (the same before any
//	  (a byte a pixel)                         deskewing: what a taught example keeps) and, with
//	                                           features, "features" (an image network's maps)
//	{type: "loadMNIST"} + the four files'      MNISTLoaded
//	  bytes, named as mnist.Files
//	{type: "trainStart", train: TrainSpec}     Progress (a fresh network; nothing trained yet)
//	{type: "trainSlice", budgetMs}             Progress (trains, and scores the test set after
//	                                           each epoch, for about budgetMs)
//	{type: "trainStop"}                        Progress (the network so far becomes "trained")
//	{type: "evaluate"}                         Evaluation; bytes out "mistakes" (784 a mistake)
//	{type: "testImage", index}                 TestImage; bytes out "image"
//	{type: "weights"}                          Weights; bytes out "weights" (784 a neuron)
//	{type: "exportModel"}                      Exported; bytes out "file" (the model file)
//	{type: "teach", digits, writers?} + bytes  Teaching (a lesson in a handwriting starts: a third
//	  "examples" (784 a digit, "centred")      held back, whole writers where writers are given;
//	                                           before: the share of those read right)
//	{type: "teachSlice", budgetMs}             Teaching: learning, then checking MNIST's test set;
//	                                           "taught" at the end, when the taught network is
//	                                           the model "yours" and reads the pad
//	{type: "qr", text}                         QR {size, rows} (a class's join link, for the
//	                                           projector: rows of "1" dark and "0")
//
// # page "helper" (core/engine/helper over core/nn/team.go): a training worker's share of a batch
//
// The digits and listen workers train with a team: the page may start helper workers, link each
// to the training worker with a MessageChannel and hand the training worker their ports (worker
// messages "helpers" and "port" below). The training worker then sends each helper, on its port,
// the shards of every batch that are its part, and waits for the answers before the step.
//
//	leader → helper                            helper → leader
//	{type: "gradient", architecture, batch,    Gradient {loss}; bytes out "gradient" (the sum of
//	  first, count} + bytes "weights",         the shards' scaled gradients, float32s in Params
//	  "inputs", "targets" (float32s: the       order)
//	  network's parameters, the shards' rows)
//
// # page "lessons" (core/engine/lessons over core/lessons): the paper's chapters as figures
//
//	{type: "neuron", neuron: Neuron}                       NeuronReply
//	{type: "activations", s, layers}                       ActivationsReply
//	{type: "approximate", target, custom, sigmoids, offset} ApproximationReply
//	{type: "fitStart", target, custom, units, seed}        ApproximationReply (epochs: the fit's)
//	{type: "fitTrain", epochs}                             the same, after more training
//	{type: "terrain", landscape}                           TerrainReply
//	{type: "descend", landscape, start, learningRate,      DescentReply
//	  momentum, steps}
//	{type: "backprop", backprop: Backprop}                 BackpropReply (every number of one
//	                                                        step, and the finite-difference check)
//
// # page "listen" (core/engine/listen over core/sound): spoken digits, heard by a network
//
//	page → worker                              worker → page
//	{type: "loadModel"} + bytes "model"        Loaded (a model that reads Bands×Frames spectrograms;
//	                                           members: how many networks vote in it)
//	{type: "hear", rate?, features?}           Heard; bytes out "spectrogram", "waveform" and, with
//	  + bytes "mp3" (a file) or "pcm"          features, "features". pcm: float32 little-endian
//	  (the microphone's samples at rate)       samples at rate (8 to 192 kHz)
//	{type: "weights"}                          Weights; bytes out "weights" (the first filters)
//	{type: "loadFSDD", budgetMs, limit?}       FSDDLoaded (FSDD's clips decoded for about budgetMs;
//	  + bytes "fsdd" the first time            asked again, without bytes, until done)
//	{type: "trainStart", train: TrainSpec}     Progress (a fresh network; fold "fsdd" or a speaker)
//	{type: "trainSlice", budgetMs}             Progress (trains; scores the held-out clips after
//	                                           each epoch)
//	{type: "trainStop"}                        Progress (the network so far is kept as trained)
//	{type: "useTrained"}                       Loaded (the network trained here now listens)
//	{type: "addExample", digit, rate?}         Examples (one of the person's own recordings, kept
//	  + bytes "mp3" or "pcm"                   in the tab; counts per digit)
//	{type: "clearExamples"}                    Examples
//	{type: "teach", epochs}                    nn.LessonReport "teaching" (a copy of the model starts
//	                                           fine-tuning on the examples, a third held back;
//	                                           before: the share of those read right now)
//	{type: "teachSlice", budgetMs}             nn.LessonReport: "teaching" with progress, then
//	                                           "taught" with after (the taught model now listens)
package engine

// Messages are the message types each page's handler takes, exactly as listed above; the router
// refuses any other before a handler sees it.
var Messages = map[string][]string{
	"lab": {"catalogue", "setScene", "setData", "setModel", "reset", "train", "frame", "addPoint", "removePoint", "setWeight"},
	"digits": {"loadModel", "models", "presets", "useModel", "classify", "loadMNIST", "trainStart", "trainSlice",
		"trainStop", "evaluate", "testImage", "weights", "exportModel", "teach", "teachSlice", "qr"},
	"lessons": {"neuron", "activations", "approximate", "fitStart", "fitTrain", "terrain", "descend", "backprop"},
	"helper":  {"gradient"},
	"listen": {"loadModel", "hear", "weights", "loadFSDD", "trainStart", "trainSlice", "trainStop", "useTrained",
		"addExample", "clearExamples", "teach", "teachSlice"},
}

// Envelope is what every message carries besides its body.
type Envelope struct {
	Page string `json:"page"`
	Type string `json:"type"`
}

// ErrorReply is the reply to a message that could not be carried out.
type ErrorReply struct {
	Type  string `json:"type"` // "error"
	Error string `json:"error"`
}

// MaxBytes caps one byte buffer handed to the worker (the MNIST training images are 9.9 MB
// compressed, the largest model 2.5 MB); the bridge checks it before copying anything.
const MaxBytes = 80 << 20

package lab

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/nn"
)

// Digits is the digit page's engine: the models that read a drawing, and MNIST training in
// slices. It lives in the same worker program as the lab and answers the digit messages of the
// protocol (protocol.go).
type Digits struct {
	blobs   map[string][]byte // bytes handed over by the worker (files, the canvas)
	models  map[string]*nn.Model
	current string
	train   *data.Images
	test    *data.Images
	run     *trainingRun
	now     func() time.Time
}

// trainingRun is one MNIST training in progress: an epoch of steps, then the test set scored
// in slices, then the next epoch.
type trainingRun struct {
	preset     nn.Preset
	net        *nn.Network
	opt        *nn.Optimizer
	trainer    *nn.Trainer
	epoch      int // epochs finished
	lossSum    float64
	batches    int
	scoring    bool // scoring the test set after an epoch
	scored     int  // test images scored so far
	wrong      int
	scoreLoss  float64
	history    []EpochReport
	elapsed    time.Duration // time spent computing, for examples per second
	examples   int
	done       bool
	trainLimit int
}

// MaxBlobBytes caps what one blob may hold (the MNIST training images are 9.9 MB compressed).
const MaxBlobBytes = 64 << 20

// scoreBatch is how many test images are scored per slice step.
const scoreBatch = 500

func newDigits(now func() time.Time) *Digits {
	return &Digits{blobs: map[string][]byte{}, models: map[string]*nn.Model{}, now: now}
}

// PutBlob stores bytes under a name for later messages (model files, MNIST files, the canvas).
func (l *Lab) PutBlob(name string, b []byte) error {
	if len(b) > MaxBlobBytes {
		return fmt.Errorf("%s is %d MB; at most %d MB can be handed over", name, len(b)>>20, MaxBlobBytes>>20)
	}
	l.digits.blobs[name] = b
	return nil
}

func (d *Digits) blob(name string) ([]byte, error) {
	b, ok := d.blobs[name]
	if !ok {
		return nil, fmt.Errorf("no data named %q was handed to the worker", name)
	}
	return b, nil
}

// ModelInfo describes a loaded model.
type ModelInfo struct {
	Name         string `json:"name"`
	Architecture string `json:"architecture"`
	Activations  string `json:"activations"`
	Loss         string `json:"loss"`
	Parameters   int    `json:"parameters"`
}

// Models is the reply listing the loaded models.
type Models struct {
	ID      int         `json:"id,omitempty"`
	Type    string      `json:"type"` // "models"
	Models  []ModelInfo `json:"models"`
	Current string      `json:"current"`
}

// PresetList is the reply to presets: the MNIST recipes, as the CLI has them.
type PresetList struct {
	ID      int                  `json:"id,omitempty"`
	Type    string               `json:"type"` // "presets"
	Presets map[string]nn.Preset `json:"presets"`
}

// Classified is the reply to classify.
type Classified struct {
	ID    int    `json:"id,omitempty"`
	Type  string `json:"type"` // "classified"
	Model string `json:"model"`
	Digit int    `json:"digit"`
	// Outputs are the network's ten outputs, as the paper's Figure 1 prints them.
	Outputs []float32 `json:"outputs"`
	// Input is the 28×28 image the network saw, one byte a pixel (base64 in JSON).
	Input  []byte  `json:"input"`
	Millis float64 `json:"millis"` // time spent in the worker
}

// EpochReport is one finished epoch of browser training.
type EpochReport struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"trainLoss"`
	TestLoss  float64 `json:"testLoss"`
	TestError float64 `json:"testError"` // percent
}

// Progress is the reply to the training messages.
type Progress struct {
	ID                int           `json:"id,omitempty"`
	Type              string        `json:"type"` // "progress"
	Preset            string        `json:"preset"`
	Architecture      string        `json:"architecture"`
	Epoch             int           `json:"epoch"`  // epochs finished
	Epochs            int           `json:"epochs"` // epochs asked for
	Done              int           `json:"done"`   // training examples done in this epoch
	Total             int           `json:"total"`  // training examples per epoch
	Scoring           bool          `json:"scoring"`
	ExamplesPerSecond float64       `json:"examplesPerSecond"`
	SecondsLeft       float64       `json:"secondsLeft"`
	History           []EpochReport `json:"history"`
	Finished          bool          `json:"finished"`
	Diverged          bool          `json:"diverged"`
}

// Evaluation is the reply to evaluate: how the current model does on the MNIST test set.
type Evaluation struct {
	ID        int     `json:"id,omitempty"`
	Type      string  `json:"type"` // "evaluation"
	Model     string  `json:"model"`
	TestError float64 `json:"testError"` // percent
	Confusion [][]int `json:"confusion"` // [label][predicted]
	// Mistakes are up to 100 misclassified test images: index, label, prediction and pixels.
	Mistakes []Mistake `json:"mistakes"`
}

// Mistake is one misclassified test image.
type Mistake struct {
	Index     int    `json:"index"`
	Label     int    `json:"label"`
	Predicted int    `json:"predicted"`
	Image     []byte `json:"image"`
}

// Weights is the reply to weights: the first layer's weights, one 28×28 image per neuron
// (at most 64), 128 = 0, brighter = more positive.
type Weights struct {
	ID     int      `json:"id,omitempty"`
	Type   string   `json:"type"` // "weights"
	Images [][]byte `json:"images"`
}

// Exported is the reply to exportModel: the current model as a model file.
type Exported struct {
	ID   int    `json:"id,omitempty"`
	Type string `json:"type"` // "model"
	Name string `json:"name"`
	File []byte `json:"file"`
}

func (d *Digits) modelList(id int) Models {
	m := Models{ID: id, Type: "models", Current: d.current, Models: []ModelInfo{}}
	for name, model := range d.models {
		a := model.Net.Arch
		var acts []string
		for _, l := range a.Layers {
			acts = append(acts, l.Activation.String())
		}
		m.Models = append(m.Models, ModelInfo{Name: name, Architecture: a.String(), Activations: strings.Join(acts, ","),
			Loss: a.Loss.String(), Parameters: a.Parameters()})
	}
	sort.Slice(m.Models, func(i, j int) bool { return m.Models[i].Name < m.Models[j].Name })
	return m
}

// do carries out a digit message; ok is false when the type is not a digit message.
func (d *Digits) do(req Request) (reply any, ok bool, err error) {
	switch req.Type {
	case "models":
		return d.modelList(req.ID), true, nil
	case "presets":
		return PresetList{ID: req.ID, Type: "presets", Presets: nn.Presets}, true, nil
	case "loadModel":
		return d.loadModel(req)
	case "useModel":
		if _, found := d.models[req.Name]; !found {
			return nil, true, fmt.Errorf("there is no model named %q", req.Name)
		}
		d.current = req.Name
		return d.modelList(req.ID), true, nil
	case "classify":
		r, err := d.classify(req)
		return r, true, err
	case "loadMNIST":
		return d.loadMNIST(req)
	case "trainStart":
		r, err := d.trainStart(req)
		return r, true, err
	case "trainSlice":
		r, err := d.trainSlice(req)
		return r, true, err
	case "trainStop":
		r, err := d.trainStop(req)
		return r, true, err
	case "evaluate":
		r, err := d.evaluate(req)
		return r, true, err
	case "weights":
		r, err := d.weights(req)
		return r, true, err
	case "testImage":
		r, err := d.testImage(req)
		return r, true, err
	case "exportModel":
		m, found := d.models[d.current]
		if !found {
			return nil, true, errors.New("no model is loaded")
		}
		var buf bytes.Buffer
		if err := nn.Save(&buf, m.Name, m.Net); err != nil {
			return nil, true, err
		}
		return Exported{ID: req.ID, Type: "model", Name: d.current, File: buf.Bytes()}, true, nil
	}
	return nil, false, nil
}

// loadModel reads a model file from a blob; the current model stays if the file is bad.
func (d *Digits) loadModel(req Request) (any, bool, error) {
	b, err := d.blob(req.Blob)
	if err != nil {
		return nil, true, err
	}
	m, err := nn.Parse(b)
	if err != nil {
		return nil, true, fmt.Errorf("could not load that model: %v", err)
	}
	if m.Net.Arch.Inputs != digit.Size*digit.Size || m.Net.Arch.Outputs() != 10 {
		return nil, true, fmt.Errorf("that model (%s) is not a digit classifier: it needs 784 inputs and 10 outputs", m.Net.Arch)
	}
	name := req.Name
	if name == "" {
		name = m.Name
	}
	m.Name = name
	d.models[name] = m
	if d.current == "" || req.Use {
		d.current = name
	}
	delete(d.blobs, req.Blob)
	return d.modelList(req.ID), true, nil
}

// classify preprocesses the canvas blob (one byte a pixel: 0 paper, 255 ink) like MNIST and
// runs the current model on it.
func (d *Digits) classify(req Request) (Classified, error) {
	start := d.now()
	m, ok := d.models[d.current]
	if !ok {
		return Classified{}, errors.New("no model is loaded yet")
	}
	b, err := d.blob(req.Blob)
	if err != nil {
		return Classified{}, err
	}
	x, err := digit.FromBytes(b, req.Width, req.Height)
	if err != nil {
		return Classified{}, err
	}
	out := m.Net.Predict(x)
	c := Classified{ID: req.ID, Type: "classified", Model: d.current, Digit: nn.ClassOf(out), Outputs: out, Input: make([]byte, len(x))}
	for i, v := range x {
		c.Input[i] = byte(math.Round(float64(v) * 255))
	}
	c.Millis = float64(d.now().Sub(start).Microseconds()) / 1000
	return c, nil
}

// MNISTLoaded is the reply to loadMNIST.
type MNISTLoaded struct {
	ID    int    `json:"id,omitempty"`
	Type  string `json:"type"` // "mnist"
	Train int    `json:"train"`
	Test  int    `json:"test"`
}

func (d *Digits) loadMNIST(req Request) (any, bool, error) {
	var sets [2]*data.Images
	for i, names := range [2][2]string{{"train-images", "train-labels"}, {"test-images", "test-labels"}} {
		img, err := d.blob(names[0])
		if err != nil {
			return nil, true, err
		}
		lab, err := d.blob(names[1])
		if err != nil {
			return nil, true, err
		}
		set, err := data.ReadMNIST(bytes.NewReader(img), bytes.NewReader(lab))
		if err != nil {
			return nil, true, err
		}
		if set.Rows != digit.Size || set.Cols != digit.Size {
			return nil, true, fmt.Errorf("MNIST images must be 28×28, not %d×%d", set.Rows, set.Cols)
		}
		sets[i] = set
		delete(d.blobs, names[0])
		delete(d.blobs, names[1])
	}
	d.train, d.test = sets[0], sets[1]
	return MNISTLoaded{ID: req.ID, Type: "mnist", Train: d.train.Len(), Test: d.test.Len()}, true, nil
}

// TrainSpec is what trainStart asks for: a preset, optionally changed.
type TrainSpec struct {
	Preset       string   `json:"preset"`
	Hidden       []int    `json:"hidden,omitempty"`
	Activation   string   `json:"activation,omitempty"`
	Output       string   `json:"output,omitempty"`
	Loss         string   `json:"loss,omitempty"`
	Optimizer    string   `json:"optimizer,omitempty"`
	LearningRate *float64 `json:"learningRate,omitempty"`
	Momentum     *float64 `json:"momentum,omitempty"`
	Decay        *float64 `json:"decay,omitempty"`
	Batch        int      `json:"batch,omitempty"`
	Epochs       int      `json:"epochs,omitempty"`
	Seed         uint64   `json:"seed,omitempty"`
	// TrainLimit trains on only the first N training images (0 = all 60000).
	TrainLimit int `json:"trainLimit,omitempty"`
}

func (d *Digits) trainStart(req Request) (Progress, error) {
	if d.train == nil {
		return Progress{}, errors.New("MNIST is not loaded yet")
	}
	if req.Train == nil {
		return Progress{}, errors.New("trainStart needs a train object")
	}
	s := *req.Train
	p, err := nn.LookupPreset(s.Preset)
	if err != nil {
		return Progress{}, err
	}
	if s.Hidden != nil || s.Activation != "" || s.Output != "" || s.Loss != "" {
		hidden := p.Arch.Layers[0].Activation
		output := p.Arch.Layers[len(p.Arch.Layers)-1].Activation
		loss := p.Arch.Loss
		if s.Activation != "" {
			if hidden, err = nn.ParseActivation(s.Activation); err != nil {
				return Progress{}, err
			}
		}
		if s.Output != "" {
			if output, err = nn.ParseActivation(s.Output); err != nil {
				return Progress{}, err
			}
		}
		if s.Loss != "" {
			if loss, err = nn.ParseLoss(s.Loss); err != nil {
				return Progress{}, err
			}
		}
		sizes := []string{"784"}
		layers := s.Hidden
		if layers == nil {
			for _, l := range p.Arch.Layers[:len(p.Arch.Layers)-1] {
				layers = append(layers, l.Units)
			}
		}
		if len(layers) > 4 {
			return Progress{}, errors.New("at most 4 hidden layers")
		}
		for _, u := range layers {
			if u < 1 || u > 1024 {
				return Progress{}, fmt.Errorf("hidden layers have between 1 and 1024 neurons, not %d", u)
			}
			sizes = append(sizes, fmt.Sprint(u))
		}
		sizes = append(sizes, "10")
		if p.Arch, err = nn.ParseArchitecture(strings.Join(sizes, "-"), hidden, output, loss); err != nil {
			return Progress{}, err
		}
		p.Name = "custom"
	}
	if s.Optimizer != "" {
		if err := p.Optimizer.Kind.UnmarshalText([]byte(s.Optimizer)); err != nil {
			return Progress{}, err
		}
	}
	for _, f := range []struct {
		v   *float64
		dst *float32
	}{{s.LearningRate, &p.Optimizer.LearningRate}, {s.Momentum, &p.Optimizer.Momentum}, {s.Decay, &p.Optimizer.Decay}} {
		if f.v != nil {
			*f.dst = float32(*f.v)
		}
	}
	if s.Batch != 0 {
		p.BatchSize = s.Batch
	}
	if s.Epochs != 0 {
		p.Epochs = s.Epochs
	}
	if p.Epochs < 1 || p.Epochs > 50 {
		return Progress{}, fmt.Errorf("epochs must be between 1 and 50, not %d", p.Epochs)
	}
	if s.TrainLimit < 0 || s.TrainLimit > d.train.Len() {
		return Progress{}, fmt.Errorf("trainLimit must be between 0 and %d", d.train.Len())
	}
	net, err := nn.New(p.Arch, p.Init, s.Seed)
	if err != nil {
		return Progress{}, err
	}
	opt := p.Optimizer
	tr, err := nn.NewTrainer(net, &opt, p.BatchSize, s.Seed)
	if err != nil {
		return Progress{}, err
	}
	d.run = &trainingRun{preset: p, net: net, opt: &opt, trainer: tr, trainLimit: s.TrainLimit}
	return d.progress(req.ID), nil
}

func (r *trainingRun) trainSet(all *data.Images) *data.Images { return all.Subset(r.trainLimit) }

// trainSlice trains (or scores the test set) until budgetMs has passed.
func (d *Digits) trainSlice(req Request) (Progress, error) {
	r := d.run
	if r == nil {
		return Progress{}, errors.New("no training has been started")
	}
	budget := time.Duration(req.BudgetMs * float64(time.Millisecond))
	if math.IsNaN(req.BudgetMs) || budget <= 0 || budget > maxBudget {
		budget = 20 * time.Millisecond
	}
	start := d.now()
	set := r.trainSet(d.train)
	for !r.done && d.now().Sub(start) < budget {
		if r.scoring {
			d.scoreStep()
			continue
		}
		pos := r.trainer.Position()
		if pos >= set.Len() { // the epoch just ended: this step starts the next one
			pos = 0
		}
		rows := min(r.trainer.BatchSize, set.Len()-pos)
		loss, err := r.trainer.Step(set)
		if err != nil {
			r.done = true
			p := d.progress(req.ID)
			p.Diverged = true
			return p, err
		}
		r.examples += rows
		r.lossSum += loss
		r.batches++
		if r.trainer.Epochs > r.epoch {
			r.scoring, r.scored, r.wrong, r.scoreLoss = true, 0, 0, 0
		}
	}
	r.elapsed += d.now().Sub(start)
	return d.progress(req.ID), nil
}

// scoreStep scores the next batch of test images; after the last, the epoch is recorded.
func (d *Digits) scoreStep() {
	r := d.run
	n := min(scoreBatch, d.test.Len()-r.scored)
	x := make([]float32, n*784)
	t := make([]float32, n*10)
	for i := range n {
		d.test.Input(r.scored+i, x[i*784:(i+1)*784])
		t[i*10+d.test.Label(r.scored+i)] = 1
	}
	out := r.net.Forward(x, n)
	r.scoreLoss += r.net.Loss(t) * float64(n)
	for i := range n {
		if nn.ClassOf(out[i*10:(i+1)*10]) != d.test.Label(r.scored+i) {
			r.wrong++
		}
	}
	r.scored += n
	if r.scored < d.test.Len() {
		return
	}
	r.epoch = r.trainer.Epochs
	r.history = append(r.history, EpochReport{Epoch: r.epoch, TrainLoss: r.lossSum / float64(max(r.batches, 1)),
		TestLoss: r.scoreLoss / float64(d.test.Len()), TestError: 100 * float64(r.wrong) / float64(d.test.Len())})
	r.lossSum, r.batches, r.scoring = 0, 0, false
	if r.epoch >= r.preset.Epochs {
		d.finish()
	}
}

// finish makes the trained network the model that reads drawings.
func (d *Digits) finish() {
	r := d.run
	r.done = true
	d.models["trained"] = &nn.Model{Name: "trained", Net: r.net.Clone()}
	d.current = "trained"
}

func (d *Digits) trainStop(req Request) (Progress, error) {
	if d.run == nil {
		return Progress{}, errors.New("no training has been started")
	}
	if !d.run.done {
		d.finish()
	}
	return d.progress(req.ID), nil
}

func (d *Digits) progress(id int) Progress {
	r := d.run
	set := r.trainSet(d.train)
	p := Progress{ID: id, Type: "progress", Preset: r.preset.Name, Architecture: r.preset.Arch.String(),
		Epoch: r.epoch, Epochs: r.preset.Epochs, Done: r.trainer.Position(), Total: set.Len(), Scoring: r.scoring,
		History: r.history, Finished: r.done}
	if p.History == nil {
		p.History = []EpochReport{}
	}
	if r.scoring {
		p.Done = set.Len()
	}
	if secs := r.elapsed.Seconds(); secs > 0 && r.examples > 0 {
		p.ExamplesPerSecond = float64(r.examples) / secs
		left := (r.preset.Epochs-r.epoch)*set.Len() - p.Done
		p.SecondsLeft = float64(max(left, 0)) / p.ExamplesPerSecond
	}
	return p
}

// evaluate scores the current model on the whole test set.
func (d *Digits) evaluate(req Request) (Evaluation, error) {
	m, ok := d.models[d.current]
	if !ok {
		return Evaluation{}, errors.New("no model is loaded")
	}
	if d.test == nil {
		return Evaluation{}, errors.New("MNIST is not loaded yet")
	}
	ev := Evaluation{ID: req.ID, Type: "evaluation", Model: d.current, Confusion: make([][]int, 10), Mistakes: []Mistake{}}
	for i := range ev.Confusion {
		ev.Confusion[i] = make([]int, 10)
	}
	wrong := 0
	x := make([]float32, scoreBatch*784)
	for start := 0; start < d.test.Len(); start += scoreBatch {
		n := min(scoreBatch, d.test.Len()-start)
		for i := range n {
			d.test.Input(start+i, x[i*784:(i+1)*784])
		}
		out := m.Net.Forward(x, n)
		for i := range n {
			label, pred := d.test.Label(start+i), nn.ClassOf(out[i*10:(i+1)*10])
			ev.Confusion[label][pred]++
			if pred != label {
				wrong++
				if len(ev.Mistakes) < 100 {
					ev.Mistakes = append(ev.Mistakes, Mistake{Index: start + i, Label: label, Predicted: pred,
						Image: append([]byte(nil), d.test.Image(start+i)...)})
				}
			}
		}
	}
	ev.TestError = 100 * float64(wrong) / float64(d.test.Len())
	return ev, nil
}

// weights draws the first layer's weights, one 28×28 image per neuron.
func (d *Digits) weights(req Request) (Weights, error) {
	m, ok := d.models[d.current]
	if !ok {
		return Weights{}, errors.New("no model is loaded")
	}
	l := m.Net.Layers[0]
	w := Weights{ID: req.ID, Type: "weights"}
	for j := range min(l.Units, 64) {
		var top float64
		for i := range l.Inputs {
			top = math.Max(top, math.Abs(float64(l.Weight(i, j))))
		}
		img := make([]byte, l.Inputs)
		for i := range l.Inputs {
			img[i] = byte(math.Round(127.5 + 127.5*float64(l.Weight(i, j))/math.Max(top, 1e-12)))
		}
		w.Images = append(w.Images, img)
	}
	return w, nil
}

// TestImage is the reply to testImage: one MNIST test image read by the current model.
type TestImage struct {
	ID      int       `json:"id,omitempty"`
	Type    string    `json:"type"` // "testImage"
	Index   int       `json:"index"`
	Label   int       `json:"label"`
	Image   []byte    `json:"image"`
	Outputs []float32 `json:"outputs"`
	Digit   int       `json:"digit"`
}

func (d *Digits) testImage(req Request) (TestImage, error) {
	m, ok := d.models[d.current]
	if !ok || d.test == nil {
		return TestImage{}, errors.New("load a model and MNIST first")
	}
	if req.Index < 0 || req.Index >= d.test.Len() {
		return TestImage{}, fmt.Errorf("test images are numbered 0 to %d", d.test.Len()-1)
	}
	x := make([]float32, 784)
	d.test.Input(req.Index, x)
	out := m.Net.Predict(x)
	return TestImage{ID: req.ID, Type: "testImage", Index: req.Index, Label: d.test.Label(req.Index),
		Image: append([]byte(nil), d.test.Image(req.Index)...), Outputs: out, Digit: nn.ClassOf(out)}, nil
}

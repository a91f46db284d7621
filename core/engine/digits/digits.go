// Package digits is the digits page's message handler: the models that read a drawing, and
// MNIST training in slices (a thin adapter over core/mnist, which reads drawings and trains).
// Its messages are listed with the rest of the protocol in core/engine (protocol.go); their
// bodies are here.
package digits

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	qrcode "github.com/skip2/go-qrcode"
	"math"
	"sort"
	"strings"
	"time"

	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/mnist"
	"somehow/core/nn"
	"somehow/core/sentence"
)

// Handler holds the loaded models, MNIST once it has been handed over, and a training run.
type Handler struct {
	models  map[string]*nn.Model
	current string
	train   *data.Images
	test    *data.Images
	run     *mnist.Run
	// teaching is a lesson in a handwriting under way, and the check of MNIST after it.
	teaching *teaching
	// now is the clock used for training budgets (replaced in tests).
	now func() time.Time
	// team is the workers training and teaching share (core/nn/team.go).
	team *nn.Team
}

// Limits on what a message may ask for.
const (
	// MaxSliceBudget caps one trainSlice, so a stop or a drawing is answered soon.
	MaxSliceBudget = 200 * time.Millisecond
	// MaxEpochs, MaxHiddenLayers and MaxHiddenUnits bound a network trained in the page.
	MaxEpochs       = 50
	MaxHiddenLayers = 4
	MaxHiddenUnits  = 1024
)

// New returns a handler with no models and no MNIST yet.
func New(team *nn.Team) *Handler {
	return &Handler{models: map[string]*nn.Model{}, now: time.Now, team: team}
}

// Request is a digits message from the page. Fields a type does not use are ignored.
type Request struct {
	Name     string     `json:"name,omitempty"`
	Use      bool       `json:"use,omitempty"`
	Width    int        `json:"width,omitempty"`
	Height   int        `json:"height,omitempty"`
	Index    int        `json:"index,omitempty"`
	BudgetMs float64    `json:"budgetMs,omitempty"`
	Train    *TrainSpec `json:"train,omitempty"`
	// Features asks classify for an image network's feature maps too (the page asks once a
	// stroke ends, not for every reading while the pen moves).
	Features bool `json:"features,omitempty"`
	// Digits are the taught examples' digits (teach), in the order of the bytes "examples".
	Digits []int `json:"digits,omitempty"`
	// Writers say who drew each taught example (a class's phones), so that nobody's digits are
	// both learnt and held back; none: one person.
	Writers []string `json:"writers,omitempty"`
	// Text is what a QR code says (qr).
	Text string `json:"text,omitempty"`
}

// QR is a QR code: Size×Size modules, each row a string of "1" (dark) and "0", with its quiet
// zone.
type QR struct {
	Type string   `json:"type"` // "qr"
	Size int      `json:"size"`
	Rows []string `json:"rows"`
}

// QRCode encodes text (a class's join link: the projector shows it for phones to scan) at error
// correction level M, readable from the back of a room with a smudge on the screen.
func QRCode(text string) (QR, error) {
	if text == "" || len(text) > 1000 {
		return QR{}, errors.New("a QR code says 1 to 1000 characters")
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return QR{}, err
	}
	r := QR{Type: "qr"}
	for _, row := range q.Bitmap() {
		b := make([]byte, len(row))
		for i, dark := range row {
			b[i] = '0'
			if dark {
				b[i] = '1'
			}
		}
		r.Rows = append(r.Rows, string(b))
	}
	r.Size = len(r.Rows)
	return r, nil
}

// TrainSpec is what trainStart asks for: a preset changed by the same overrides as the CLI's
// flags, a seed and, for tests, a smaller training set.
type TrainSpec struct {
	Preset string `json:"preset"`
	mnist.Overrides
	Seed uint64 `json:"seed,omitempty"`
	// TrainLimit trains on only the first N training images (0 = all 60000).
	TrainLimit int `json:"trainLimit,omitempty"`
}

// ModelInfo describes a loaded model.
type ModelInfo struct {
	Name         string `json:"name"`
	Architecture string `json:"architecture"`
	Activations  string `json:"activations"`
	Loss         string `json:"loss"`
	Parameters   int    `json:"parameters"`
	// TestError is its MNIST test error in percent as recorded in its file, 0 if unknown.
	TestError float64 `json:"testError"`
}

// Models is the reply listing the loaded models.
type Models struct {
	Type    string      `json:"type"` // "models"
	Models  []ModelInfo `json:"models"`
	Current string      `json:"current"`
}

// PresetList is the reply to presets: the MNIST recipes, as the CLI has them, and each one's
// architecture as the CLI's -arch writes it.
type PresetList struct {
	Type          string                  `json:"type"` // "presets"
	Presets       map[string]mnist.Preset `json:"presets"`
	Architectures map[string]string       `json:"architectures"`
}

// Classified is the reply to classify. The 28×28 image the network saw travels as the bytes
// "input", one byte a pixel.
type Classified struct {
	Type  string `json:"type"` // "classified"
	Model string `json:"model"`
	Digit int    `json:"digit"`
	// Outputs are the network's ten outputs, as the paper's Figure 1 prints them.
	Outputs []float32 `json:"outputs"`
	Millis  float64   `json:"millis"` // time spent in the worker
	// Stages, for an image network, describe the feature maps in the bytes "features".
	Stages []mnist.Stage `json:"stages,omitempty"`
}

// Progress is the reply to the training messages.
type Progress struct {
	Type string `json:"type"` // "progress"
	mnist.Progress
}

// MNISTLoaded is the reply to loadMNIST.
type MNISTLoaded struct {
	Type  string `json:"type"` // "mnist"
	Train int    `json:"train"`
	Test  int    `json:"test"`
}

// Evaluation is the reply to evaluate: how the current model does on the MNIST test set. The
// mistakes' images travel as the bytes "mistakes", 784 bytes each, in the order of Mistakes.
type Evaluation struct {
	Type      string    `json:"type"` // "evaluation"
	Model     string    `json:"model"`
	TestError float64   `json:"testError"` // percent
	Confusion [][]int   `json:"confusion"` // [label][predicted]
	Mistakes  []Mistake `json:"mistakes"`  // up to 100
}

// Mistake is one misclassified test image.
type Mistake struct {
	Index     int `json:"index"`
	Label     int `json:"label"`
	Predicted int `json:"predicted"`
}

// Weights is the reply to weights: what the first layer looks for, one Width×Height image per
// neuron (an MLP's first layer: 28×28, at most 64) or per filter (an image network's first
// convolution: its filter size), in the bytes "weights": 128 = 0, above = positive.
type Weights struct {
	Type   string `json:"type"` // "weights"
	Count  int    `json:"count"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Kind   string `json:"kind"` // "neurons" or "filters"
}

// TestImage is the reply to testImage: one MNIST test image (the bytes "image") read by the
// current model.
type TestImage struct {
	Type    string    `json:"type"` // "testImage"
	Index   int       `json:"index"`
	Label   int       `json:"label"`
	Outputs []float32 `json:"outputs"`
	Digit   int       `json:"digit"`
}

// Exported is the reply to exportModel: the current model's file is the bytes "file".
type Exported struct {
	Type string `json:"type"` // "model"
	Name string `json:"name"`
}

// Handle carries out one digits message; body is the whole JSON message, in the bytes that
// came with it. A refused message leaves the models and the training as they were.
func (d *Handler) Handle(msgType string, body []byte, in map[string][]byte) (any, map[string][]byte, error) {
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, err
	}
	switch msgType {
	case "models":
		return d.modelList(), nil, nil
	case "presets":
		archs := map[string]string{}
		for name, p := range mnist.Presets {
			archs[name] = p.Arch.String()
		}
		return PresetList{Type: "presets", Presets: mnist.Presets, Architectures: archs}, nil, nil
	case "loadModel":
		r, err := d.loadModel(req, in["model"])
		return r, nil, err
	case "useModel":
		if _, found := d.models[req.Name]; !found {
			return nil, nil, fmt.Errorf("there is no model named %q", sentence.Truncate(req.Name, 40))
		}
		d.current = req.Name
		return d.modelList(), nil, nil
	case "classify":
		return d.classify(req, in["canvas"])
	case "loadMNIST":
		r, err := d.loadMNIST(in)
		return r, nil, err
	case "trainStart":
		r, err := d.trainStart(req)
		return r, nil, err
	case "trainSlice":
		r, err := d.trainSlice(req)
		return r, nil, err
	case "trainStop":
		if d.run == nil {
			return nil, nil, errors.New("no training has been started")
		}
		d.run.Stop()
		d.finish()
		return Progress{"progress", d.run.Progress()}, nil, nil
	case "evaluate":
		return d.evaluate(req.Name)
	case "weights":
		return d.weights(req.Name)
	case "testImage":
		return d.testImage(req)
	case "teach":
		r, err := d.teach(req, in["examples"])
		return r, nil, err
	case "teachSlice":
		r, err := d.teachSlice(req)
		return r, nil, err
	case "qr":
		r, err := QRCode(req.Text)
		return r, nil, err
	case "exportModel":
		m, found := d.models[d.current]
		if !found {
			return nil, nil, errors.New("no model is loaded")
		}
		var buf bytes.Buffer // every field of the model: its deskewing and test error too
		if err := nn.SaveModel(&buf, m); err != nil {
			return nil, nil, err
		}
		return Exported{Type: "model", Name: d.current}, map[string][]byte{"file": buf.Bytes()}, nil
	}
	return nil, nil, fmt.Errorf("unknown message type %q", msgType)
}

func (d *Handler) modelList() Models {
	m := Models{Type: "models", Current: d.current, Models: []ModelInfo{}}
	for name, model := range d.models {
		a := model.Net.Arch
		var acts []string
		for _, l := range a.Layers {
			acts = append(acts, l.Activation.String())
		}
		m.Models = append(m.Models, ModelInfo{Name: name, Architecture: a.String(), Activations: strings.Join(acts, ","),
			Loss: a.Loss.String(), Parameters: a.Parameters(), TestError: model.TestError})
	}
	sort.Slice(m.Models, func(i, j int) bool { return m.Models[i].Name < m.Models[j].Name })
	return m
}

// loadModel reads a model file; the current model stays if the file is bad.
func (d *Handler) loadModel(req Request, file []byte) (Models, error) {
	if file == nil {
		return Models{}, errors.New("loadModel needs the model file's bytes")
	}
	m, err := nn.Parse(file)
	if err != nil {
		return Models{}, fmt.Errorf("could not load that model: %v", err)
	}
	if m.Net.Arch.Inputs != mnist.ImageSize || m.Net.Arch.Outputs() != 10 {
		return Models{}, fmt.Errorf("that model (%s) is not a digit classifier: it needs 784 inputs and 10 outputs", m.Net.Arch)
	}
	if req.Name != "" {
		m.Name = req.Name
	}
	d.models[m.Name] = m
	if d.current == "" || req.Use {
		d.current = m.Name
	}
	return d.modelList(), nil
}

// classify preprocesses the canvas (one byte a pixel: 0 paper, 255 ink) like MNIST and runs the
// current model on it.
func (d *Handler) classify(req Request, canvas []byte) (any, map[string][]byte, error) {
	start := d.now()
	m, ok := d.models[d.current]
	if !ok {
		return nil, nil, errors.New("no model is loaded yet")
	}
	r, err := mnist.ReadDrawing(m, digit.Gray(canvas), req.Width, req.Height)
	if err != nil {
		return nil, nil, err
	}
	c := Classified{Type: "classified", Model: d.current, Digit: r.Digit, Outputs: r.Outputs}
	bytes := map[string][]byte{"input": toBytes(r.Input), "centred": toBytes(r.Centred)}
	if req.Features && len(m.Net.Features) > 0 {
		c.Stages, bytes["features"] = mnist.FeatureMaps(m.Net)
	}
	c.Millis = float64(d.now().Sub(start).Microseconds()) / 1000
	return c, bytes, nil
}

func toBytes(x []float32) []byte {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte(math.Round(float64(v) * 255))
	}
	return b
}

// loadMNIST reads the four original files, handed over as bytes named after mnist.Files.
func (d *Handler) loadMNIST(in map[string][]byte) (MNISTLoaded, error) {
	var files [4][]byte
	for i, name := range mnist.Files {
		if files[i] = in[name]; files[i] == nil {
			return MNISTLoaded{}, fmt.Errorf("loadMNIST needs the bytes of %s", name)
		}
	}
	train, test, err := mnist.Read(files)
	if err != nil {
		return MNISTLoaded{}, err
	}
	d.train, d.test = train, test
	return MNISTLoaded{Type: "mnist", Train: train.Len(), Test: test.Len()}, nil
}

func (d *Handler) trainStart(req Request) (Progress, error) {
	if d.train == nil {
		return Progress{}, errors.New("MNIST is not loaded yet")
	}
	if req.Train == nil {
		return Progress{}, errors.New("trainStart needs a train object")
	}
	s := *req.Train
	p, err := mnist.LookupPreset(s.Preset)
	if err != nil {
		return Progress{}, err
	}
	if p, err = s.Overrides.Apply(p); err != nil {
		return Progress{}, err
	}
	if p.Epochs > MaxEpochs {
		return Progress{}, fmt.Errorf("the page trains at most %d epochs, not %d", MaxEpochs, p.Epochs)
	}
	if hidden := p.Arch.Layers[:len(p.Arch.Layers)-1]; len(hidden) > MaxHiddenLayers {
		return Progress{}, fmt.Errorf("the page trains at most %d hidden layers", MaxHiddenLayers)
	} else {
		for _, l := range hidden {
			if l.Units > MaxHiddenUnits {
				return Progress{}, fmt.Errorf("hidden layers have between 1 and %d neurons in the page, not %d", MaxHiddenUnits, l.Units)
			}
		}
	}
	if s.TrainLimit < 0 || s.TrainLimit > d.train.Len() {
		return Progress{}, fmt.Errorf("trainLimit must be between 0 and %d", d.train.Len())
	}
	run, err := mnist.NewRun(p, s.Seed, d.train.Subset(s.TrainLimit), d.test)
	if err != nil {
		return Progress{}, err
	}
	run.UseTeam(d.team)
	d.run = run
	return Progress{"progress", run.Progress()}, nil
}

// trainSlice trains (or scores the test set) for about budgetMs; the page calls it again and
// again, and pausing is simply not calling it.
func (d *Handler) trainSlice(req Request) (Progress, error) {
	if d.run == nil {
		return Progress{}, errors.New("no training has been started")
	}
	budget := time.Duration(req.BudgetMs * float64(time.Millisecond))
	if math.IsNaN(req.BudgetMs) || budget <= 0 || budget > MaxSliceBudget {
		budget = 20 * time.Millisecond
	}
	err := d.run.Slice(budget, d.now)
	if d.run.Over() {
		d.finish()
	}
	p := Progress{"progress", d.run.Progress()}
	if err != nil && !p.Diverged {
		return Progress{}, err
	}
	return p, nil
}

// finish keeps the trained network as the model "trained". It does not read drawings until the
// page asks for it (useModel): the page says what changes, and a worse model is never swapped in
// unannounced.
func (d *Handler) finish() {
	if d.run.Progress().Diverged {
		return
	}
	d.models["trained"] = d.run.Model("trained")
}

// model is the model called name, or the current one when name is empty.
func (d *Handler) model(name string) (string, *nn.Model, error) {
	if name == "" {
		name = d.current
	}
	m, ok := d.models[name]
	if !ok {
		if name == "" {
			return "", nil, errors.New("no model is loaded yet")
		}
		return "", nil, fmt.Errorf("there is no model named %q", sentence.Truncate(name, 40))
	}
	return name, m, nil
}

// evaluate scores the current model on the whole test set.
func (d *Handler) evaluate(name string) (any, map[string][]byte, error) {
	name, m, err := d.model(name)
	if err != nil {
		return nil, nil, err
	}
	if d.test == nil {
		return nil, nil, errors.New("MNIST is not loaded yet")
	}
	ev, err := nn.Evaluate(m.Net, mnist.Samples(m, d.test))
	if err != nil {
		return nil, nil, err
	}
	r := Evaluation{Type: "evaluation", Model: name, TestError: 100 * ev.ErrorRate, Confusion: ev.Confusion, Mistakes: []Mistake{}}
	var images []byte
	x := make([]float32, mnist.ImageSize)
	for _, i := range ev.Mistakes {
		mnist.Samples(m, d.test).Input(i, x)
		r.Mistakes = append(r.Mistakes, Mistake{Index: i, Label: d.test.Label(i), Predicted: m.Net.Classify(x)})
		images = append(images, d.test.Image(i)...)
	}
	return r, map[string][]byte{"mistakes": images}, nil
}

// weights draws what the first layer looks for: each first-layer neuron's 784 weights, or each
// first convolution filter (first channel).
func (d *Handler) weights(name string) (any, map[string][]byte, error) {
	_, m, err := d.model(name)
	if err != nil {
		return nil, nil, err
	}
	f := mnist.FirstLayerImages(m.Net)
	return Weights{Type: "weights", Count: f.Count, Width: f.Width, Height: f.Height, Kind: f.Kind}, map[string][]byte{"weights": f.Images}, nil
}

func (d *Handler) testImage(req Request) (any, map[string][]byte, error) {
	_, m, err := d.model(req.Name)
	if err != nil {
		return nil, nil, err
	}
	if d.test == nil {
		return nil, nil, errors.New("MNIST is not loaded yet")
	}
	if req.Index < 0 || req.Index >= d.test.Len() {
		return nil, nil, fmt.Errorf("test images are numbered 0 to %d", d.test.Len()-1)
	}
	x := make([]float32, mnist.ImageSize)
	mnist.Samples(m, d.test).Input(req.Index, x)
	out := m.Net.Predict(x)
	return TestImage{Type: "testImage", Index: req.Index, Label: d.test.Label(req.Index), Outputs: out, Digit: nn.ClassOf(out)},
		map[string][]byte{"image": append([]byte(nil), d.test.Image(req.Index)...)}, nil
}

// Teaching is the reply to teach and teachSlice: the lesson's report, then the check that it
// forgot nothing (MNIST's test set read by the taught network); "taught" once both are done,
// when the taught network is the model "yours" and reads the pad.
type Teaching struct {
	nn.LessonReport
	Phase string `json:"phase"` // "learning", "checking", "done"
	// MNISTBefore and MNISTAfter are the test errors (percent) of the model as it was and as
	// taught; Checked counts the test digits the taught one has read so far, of CheckTotal.
	MNISTBefore float64 `json:"mnistBefore"`
	MNISTAfter  float64 `json:"mnistAfter"`
	Checked     int     `json:"checked"`
	CheckTotal  int     `json:"checkTotal"`
}

// TaughtModel is the name the taught network takes.
const TaughtModel = "yours"

type teaching struct {
	base   *nn.Model
	lesson *nn.Lesson
	before float64 // percent
	check  *nn.Evaluation
	test   nn.Samples
}

// teach starts a lesson in the examples (one 28×28 image of ImageSize bytes each, the pad's
// "centred" image, and its digit) for the current model, with MNIST replayed.
func (d *Handler) teach(req Request, images []byte) (Teaching, error) {
	_, m, err := d.model("")
	if err != nil {
		return Teaching{}, err
	}
	if d.train == nil {
		return Teaching{}, errors.New("MNIST is not loaded yet: it is replayed while learning, so the reader forgets nothing")
	}
	if len(images) != len(req.Digits)*mnist.ImageSize {
		return Teaching{}, fmt.Errorf("teach needs one %d-byte image for each of the %d digits, not %d bytes", mnist.ImageSize, len(req.Digits), len(images))
	}
	if req.Writers != nil && len(req.Writers) != len(req.Digits) {
		return Teaching{}, fmt.Errorf("teach needs a writer for each of the %d digits, or none, not %d", len(req.Digits), len(req.Writers))
	}
	examples := make([]mnist.Example, len(req.Digits))
	for i, dg := range req.Digits {
		examples[i] = mnist.Example{Digit: dg, Image: images[i*mnist.ImageSize : (i+1)*mnist.ImageSize]}
		if req.Writers != nil {
			examples[i].Writer = req.Writers[i]
		}
	}
	lesson, err := mnist.NewLesson(m, examples, d.train, mnist.HandwritingPlan, 1)
	if err != nil {
		return Teaching{}, err
	}
	lesson.UseTeam(d.team)
	t := &teaching{base: m, lesson: lesson, before: m.TestError}
	if t.before == 0 { // unknown: measured once the lesson is over, with the taught one
		t.before = -1
	}
	d.teaching = t
	return t.report(), nil
}

// teachSlice teaches, then checks MNIST, for about budgetMs.
func (d *Handler) teachSlice(req Request) (Teaching, error) {
	t := d.teaching
	if t == nil {
		return Teaching{}, errors.New("no lesson is under way: send teach first")
	}
	budget := time.Duration(req.BudgetMs * float64(time.Millisecond))
	if math.IsNaN(req.BudgetMs) || budget <= 0 || budget > MaxSliceBudget {
		budget = 20 * time.Millisecond
	}
	start := d.now()
	if !t.lesson.Done() {
		if err := t.lesson.Slice(budget, d.now); err != nil {
			d.teaching = nil
			return Teaching{}, err
		}
		return t.report(), nil
	}
	if t.check == nil {
		if d.test == nil {
			return Teaching{}, errors.New("MNIST is not loaded yet")
		}
		if t.before < 0 {
			ev, err := nn.Evaluate(t.base.Net, mnist.Samples(t.base, d.test))
			if err != nil {
				return Teaching{}, err
			}
			t.before = 100 * ev.ErrorRate
		}
		t.test = mnist.Samples(t.base, d.test)
		var err error
		if t.check, err = nn.NewEvaluation(t.lesson.Net, t.test); err != nil {
			return Teaching{}, err
		}
	}
	for !t.check.Done() && d.now().Sub(start) < budget {
		t.check.Next(t.lesson.Net, t.test, 250)
	}
	if t.check.Done() {
		taught := &nn.Model{Name: TaughtModel, Net: t.lesson.Net, Deskew: t.base.Deskew, TestError: 100 * t.check.ErrorRate}
		d.models[TaughtModel] = taught
		d.current = TaughtModel
		d.teaching = nil
	}
	return t.report(), nil
}

func (t *teaching) report() Teaching {
	r := Teaching{LessonReport: t.lesson.Report(), Phase: "learning", MNISTBefore: max(t.before, 0)}
	if t.lesson.Done() {
		r.Type, r.Phase = "teaching", "checking"
	}
	if t.check != nil {
		r.Checked, r.CheckTotal, r.MNISTAfter = t.check.Scored(), t.check.Total, 100*t.check.ErrorRate
		if t.check.Done() {
			r.Type, r.Phase = "taught", "done"
		}
	}
	return r
}

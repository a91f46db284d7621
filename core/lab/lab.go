package lab

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"somehow/core/data"
	"somehow/core/nn"
)

// Limits on what a message may ask for. The page learns them from the catalogue (Catalogue).
const (
	MaxPoints       = 2000
	MaxClasses      = 8
	MaxHiddenLayers = 6
	MaxHiddenUnits  = 16
	MaxEpochs       = 1000
	MaxBatch        = 65536
	MaxLearningRate = 10
	MaxWeight       = 100
	maxBudget       = 200 * time.Millisecond
)

// Lab holds the points and the two panes.
type Lab struct {
	spec   DataSpec
	points []Point
	train  *data.Points
	test   *data.Points
	// plans are both panes' checked models; panes are built from them when first needed, so a
	// worker that serves one pane never builds the other.
	plans  [2]modelPlan
	panes  [2]*pane
	coarse bool // the frame being made uses the coarse heatmap
	// pointsVersion is bumped by every change to points (Frame.PointsVersion).
	pointsVersion int
	// now is the clock used for training budgets (replaced in tests).
	now func() time.Time
}

// pane is one model learning the lab's points.
type pane struct {
	spec     ModelSpec
	model    model
	epoch    int
	diverged bool
}

// model is what a pane needs of its network, the perceptron or an MLP.
type model interface {
	// trainEpoch makes one pass over the training points.
	trainEpoch(train *data.Points) error
	// draw fills the pane's heatmap, predictions, scores and (withNetwork) its network view.
	draw(l *Lab, pf *PaneFrame, withNetwork bool)
	// setWeight sets one weight (from = -1: the bias of neuron to) of layer.
	setWeight(layer, from, to int, value float32) error
}

// New returns a lab that will show the default scene (Scenes["xor"]) unless its first message
// sets another: the page's first message always does, so nothing is made for nothing. Panes are
// built when a message first needs them.
func New() *Lab { return &Lab{now: time.Now} }

// setDefaultScene sets the default scene if no scene has been set yet.
func (l *Lab) setDefaultScene() {
	if l.train != nil {
		return
	}
	s := Scenes["xor"]
	if err := l.setScene(s.Data, s.Models[:]); err != nil {
		panic(err) // the scenes are tested: see TestEveryScene
	}
}

// DefaultData is 300 XOR points with a little noise.
func DefaultData() DataSpec {
	return DataSpec{Kind: "xor", Points: 300, Classes: 2, Noise: 0.05, TestFraction: 0.3, Seed: 1, Custom: []Point{}}
}

// DefaultPerceptron is the classic perceptron.
func DefaultPerceptron() ModelSpec {
	return ModelSpec{Kind: "perceptron", LearningRate: 0.1, Seed: 1}
}

// DefaultMLP is a 2-8-8-1 network with tanh hidden units.
func DefaultMLP() ModelSpec {
	return ModelSpec{Kind: "mlp", Hidden: []int{8, 8}, Activation: "tanh", Output: "sigmoid", Loss: "crossentropy",
		Init: "xavier", Optimizer: "sgd", LearningRate: 0.1, Momentum: 0.9, Batch: 10, Seed: 1}
}

// Do carries out a request and returns the frame that shows its result. A refused request
// leaves the lab as it was.
func (l *Lab) Do(req Request) (Frame, error) {
	fail := func(err error) (Frame, error) { return Frame{}, err }
	live := [2]bool{true, true}
	if req.Panes != nil {
		live = [2]bool{}
		for _, p := range req.Panes {
			if p < 0 || p > 1 {
				return fail(errors.New("panes lists 0 (left) and/or 1 (right)"))
			}
			live[p] = true
		}
	}
	if req.Type != "setScene" {
		l.setDefaultScene()
	}
	switch req.Type {
	case "setScene":
		if req.Data == nil || len(req.Models) != 2 {
			return fail(errors.New("setScene needs a data object and two models"))
		}
		if err := l.setScene(*req.Data, req.Models); err != nil {
			return fail(err)
		}
	case "setData":
		if req.Data == nil {
			return fail(errors.New("setData needs a data object"))
		}
		if err := l.setScene(*req.Data, []ModelSpec{l.plans[0].spec, l.plans[1].spec}); err != nil {
			return fail(err)
		}
	case "setModel":
		p, err := paneIndex(req.Pane)
		if err != nil {
			return fail(err)
		}
		if req.Model == nil {
			return fail(errors.New("setModel needs a model object"))
		}
		plan, err := planModel(*req.Model, l.spec.Classes)
		if err != nil {
			return fail(err)
		}
		l.plans[p], l.panes[p] = plan, nil
	case "reset":
		for i := range l.panes {
			if req.Pane == nil || *req.Pane == i {
				l.panes[i] = nil
			}
		}
	case "train":
		if req.Epochs < 0 || req.Epochs > MaxEpochs {
			return fail(fmt.Errorf("epochs must be between 0 and %d", MaxEpochs))
		}
		if math.IsNaN(req.BudgetMs) || req.BudgetMs < 0 {
			return fail(errors.New("budgetMs must be 0 or more"))
		}
		if err := l.build(live); err != nil {
			return fail(err)
		}
		l.trainFor(live, max(req.Epochs, 1), time.Duration(req.BudgetMs*float64(time.Millisecond)))
	case "frame":
	case "addPoint":
		if err := l.addPoint(req); err != nil {
			return fail(err)
		}
	case "removePoint":
		l.removePoint(req.X, req.Y)
	case "setWeight":
		if err := l.setWeight(req); err != nil {
			return fail(err)
		}
	default:
		return fail(fmt.Errorf("unknown message type %q", req.Type))
	}
	if err := l.build(live); err != nil {
		return fail(err)
	}
	l.coarse = req.Coarse
	defer func() { l.coarse = false }()
	f := l.Frame(req.Network, live)
	if req.PointsVersion == l.pointsVersion {
		f.Points = nil
	}
	return f, nil
}

func paneIndex(p *int) (int, error) {
	if p == nil || *p < 0 || *p > 1 {
		return 0, errors.New("pane must be 0 (left) or 1 (right)")
	}
	return *p, nil
}

// setScene checks the data and both models, all or nothing, generates the points and resets
// both panes (built again when first needed).
func (l *Lab) setScene(spec DataSpec, models []ModelSpec) error {
	spec, pts, err := generate(spec)
	if err != nil {
		return err
	}
	var plans [2]modelPlan
	for i, m := range models {
		if plans[i], err = planModel(m, spec.Classes); err != nil {
			return fmt.Errorf("%s pane: %w", [2]string{"left", "right"}[i], err)
		}
	}
	l.spec, l.points, l.plans, l.panes = spec, pts, plans, [2]*pane{}
	l.split()
	return nil
}

// generate checks spec and makes its points: the generated ones, then those placed by hand.
func generate(spec DataSpec) (DataSpec, []Point, error) {
	if spec.Kind == "" {
		spec.Kind = "none"
	}
	if spec.Classes == 0 {
		spec.Classes = 2
	}
	if math.IsNaN(spec.TestFraction) || spec.TestFraction < 0 || spec.TestFraction > 0.9 {
		return spec, nil, fmt.Errorf("the test fraction must be between 0 and 0.9, not %g", spec.TestFraction)
	}
	if math.IsNaN(spec.Noise) || spec.Noise < 0 || spec.Noise > 1 {
		return spec, nil, fmt.Errorf("the noise must be between 0 and 1, not %g", spec.Noise)
	}
	if spec.Points < 0 || spec.Points > MaxPoints {
		return spec, nil, fmt.Errorf("the number of points must be between 0 and %d, not %d", MaxPoints, spec.Points)
	}
	if len(spec.Custom) > MaxPoints {
		return spec, nil, fmt.Errorf("at most %d points can be placed by hand", MaxPoints)
	}
	var pts []Point
	if spec.Kind != "none" && spec.Points > 0 {
		gen, err := data.Generate(spec.Kind, spec.Points, spec.Classes, spec.Noise, spec.Seed)
		if err != nil {
			return spec, nil, err
		}
		train, test := gen.Split(spec.TestFraction, spec.Seed+1)
		for i := range train.Len() {
			pts = append(pts, Point{X: train.XY[2*i], Y: train.XY[2*i+1], Label: train.Labels[i]})
		}
		for i := range test.Len() {
			pts = append(pts, Point{X: test.XY[2*i], Y: test.XY[2*i+1], Label: test.Labels[i], Test: true})
		}
	} else if spec.Classes < 2 || spec.Classes > MaxClasses {
		return spec, nil, fmt.Errorf("the number of classes must be between 2 and %d, not %d", MaxClasses, spec.Classes)
	}
	for _, p := range spec.Custom {
		if err := checkPoint(p, spec.Classes); err != nil {
			return spec, nil, err
		}
		pts = append(pts, p)
	}
	spec.Custom = append([]Point{}, spec.Custom...)
	return spec, pts, nil
}

func checkPoint(p Point, classes int) error {
	if math.IsNaN(float64(p.X)) || math.IsNaN(float64(p.Y)) || math.Abs(float64(p.X)) > Extent || math.Abs(float64(p.Y)) > Extent {
		return fmt.Errorf("points must lie inside the square ±%g", Extent)
	}
	if p.Label < 0 || p.Label >= classes {
		return fmt.Errorf("a point's class must be between 0 and %d, not %d", classes-1, p.Label)
	}
	return nil
}

// split rebuilds the training and test sets from l.points; every change to the points ends here.
func (l *Lab) split() {
	l.pointsVersion++
	l.train = &data.Points{Classes: l.spec.Classes}
	l.test = &data.Points{Classes: l.spec.Classes}
	for _, p := range l.points {
		if p.Test {
			l.test.Add(p.X, p.Y, p.Label)
		} else {
			l.train.Add(p.X, p.Y, p.Label)
		}
	}
}

func (l *Lab) addPoint(req Request) error {
	p := Point{X: float32(req.X), Y: float32(req.Y), Label: req.Label, Test: req.Test}
	if err := checkPoint(p, l.spec.Classes); err != nil {
		return err
	}
	if len(l.spec.Custom) >= MaxPoints {
		return fmt.Errorf("the lab holds at most %d points placed by hand", MaxPoints)
	}
	l.points = append(l.points, p)
	l.spec.Custom = append(l.spec.Custom, p)
	l.split()
	return nil
}

func (l *Lab) removePoint(x, y float64) {
	best, bestD := -1, 0.08*0.08
	for i, p := range l.points {
		dx, dy := float64(p.X)-x, float64(p.Y)-y
		if d := dx*dx + dy*dy; d <= bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return
	}
	removed := l.points[best]
	l.points = append(l.points[:best], l.points[best+1:]...)
	for i, c := range l.spec.Custom {
		if c == removed {
			l.spec.Custom = append(l.spec.Custom[:i], l.spec.Custom[i+1:]...)
			break
		}
	}
	l.split()
}

// modelPlan is a checked ModelSpec, ready to build: the perceptron, or an MLP's recipe.
type modelPlan struct {
	spec    ModelSpec
	classes int
	recipe  nn.Recipe // an MLP's
}

// planModel checks spec for a lab with classes classes, without building anything.
func planModel(spec ModelSpec, classes int) (modelPlan, error) {
	if math.IsNaN(spec.LearningRate) || spec.LearningRate <= 0 || spec.LearningRate > MaxLearningRate {
		return modelPlan{}, fmt.Errorf("the learning rate must be above 0 and at most %d, not %g", MaxLearningRate, spec.LearningRate)
	}
	switch strings.ToLower(spec.Kind) {
	case "perceptron":
		spec.Kind = "perceptron"
		return modelPlan{spec: spec, classes: classes}, nil
	case "mlp":
		spec.Kind = "mlp"
	default:
		return modelPlan{}, fmt.Errorf("a model is \"perceptron\" or \"mlp\", not %q", spec.Kind)
	}
	if len(spec.Hidden) > MaxHiddenLayers {
		return modelPlan{}, fmt.Errorf("at most %d hidden layers", MaxHiddenLayers)
	}
	spec.Activation, spec.Output, spec.Loss = or(spec.Activation, "tanh"), or(spec.Output, "sigmoid"), or(spec.Loss, "crossentropy")
	spec.Init, spec.Optimizer = or(spec.Init, "xavier"), or(spec.Optimizer, "sgd")
	hidden, err := nn.ParseActivation(spec.Activation)
	if err != nil {
		return modelPlan{}, err
	}
	if !hidden.Hidden() {
		return modelPlan{}, fmt.Errorf("hidden layers can use sigmoid, tanh, relu, leakyrelu or linear, not %s", hidden)
	}
	output, err := nn.ParseActivation(spec.Output)
	if err != nil {
		return modelPlan{}, err
	}
	if !output.Classes() {
		return modelPlan{}, fmt.Errorf("the output layer uses sigmoid or softmax, not %s", output)
	}
	loss, err := nn.ParseLoss(spec.Loss)
	if err != nil {
		return modelPlan{}, err
	}
	init, err := nn.ParseInit(spec.Init)
	if err != nil {
		return modelPlan{}, err
	}
	arch := nn.Architecture{Inputs: 2, Loss: loss}
	for k, u := range spec.Hidden {
		if u < 1 || u > MaxHiddenUnits {
			return modelPlan{}, fmt.Errorf("hidden layer %d must have between 1 and %d neurons, not %d", k+1, MaxHiddenUnits, u)
		}
		arch.Layers = append(arch.Layers, nn.LayerSpec{Units: u, Activation: hidden})
	}
	outputs := classes
	if classes == 2 && output == nn.Sigmoid {
		outputs = 1
	}
	arch.Layers = append(arch.Layers, nn.LayerSpec{Units: outputs, Activation: output})
	if err := arch.Validate(); err != nil {
		return modelPlan{}, err
	}
	kind, err := nn.ParseOptimizer(spec.Optimizer)
	if err != nil {
		return modelPlan{}, err
	}
	opt := nn.Optimizer{Kind: kind, LearningRate: float32(spec.LearningRate), Momentum: float32(spec.Momentum), WeightDecay: float32(spec.L2), Decay: float32(spec.Decay)}
	if opt.Kind == nn.Adam {
		opt.Momentum = 0
	}
	if err := opt.Validate(); err != nil {
		return modelPlan{}, err
	}
	if spec.Batch == 0 {
		spec.Batch = 10
	}
	if spec.Batch < 1 || spec.Batch > MaxBatch {
		return modelPlan{}, fmt.Errorf("the batch size must be between 1 and %d, not %d", MaxBatch, spec.Batch)
	}
	return modelPlan{spec: spec, classes: classes, recipe: nn.Recipe{Arch: arch, Init: init, Optimizer: opt, BatchSize: spec.Batch}}, nil
}

// build makes a fresh pane from the plan, with weights from its seed.
func (p modelPlan) build() (*pane, error) {
	if p.spec.Kind == "perceptron" {
		perc, err := nn.NewPerceptron(2, p.classes, float32(p.spec.LearningRate), p.spec.Seed)
		if err != nil {
			return nil, err
		}
		return &pane{spec: p.spec, model: perceptronModel{perc}}, nil
	}
	tr, err := p.recipe.Start(p.spec.Seed)
	if err != nil {
		return nil, err
	}
	return &pane{spec: p.spec, model: &mlpModel{net: tr.Net, trainer: tr}}, nil
}

// build makes the live panes that are not built yet.
func (l *Lab) build(live [2]bool) error {
	for i, on := range live {
		if on && l.panes[i] == nil {
			p, err := l.plans[i].build()
			if err != nil {
				return err
			}
			l.panes[i] = p
		}
	}
	return nil
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// trainFor trains the live panes up to epochs epochs, alternating panes epoch by epoch, until
// budget has passed (0 = no limit).
func (l *Lab) trainFor(live [2]bool, epochs int, budget time.Duration) {
	if budget > maxBudget || budget == 0 {
		budget = maxBudget
	}
	if l.train.Len() == 0 {
		return
	}
	start := l.now()
	for e := 0; e < epochs; e++ {
		for i, p := range l.panes {
			if live[i] {
				p.trainEpoch(l.train)
			}
		}
		if l.now().Sub(start) >= budget {
			return
		}
	}
}

func (p *pane) trainEpoch(train *data.Points) {
	if p.diverged {
		return
	}
	if err := p.model.trainEpoch(train); err != nil {
		p.diverged = true
		return
	}
	p.epoch++
}

func (l *Lab) setWeight(req Request) error {
	i, err := paneIndex(req.Pane)
	if err != nil {
		return err
	}
	if math.IsNaN(req.Value) || math.IsInf(req.Value, 0) || math.Abs(req.Value) > MaxWeight {
		return fmt.Errorf("a weight must be a number between -%d and %d", MaxWeight, MaxWeight)
	}
	live := [2]bool{}
	live[i] = true
	if err := l.build(live); err != nil {
		return err
	}
	if err := l.panes[i].model.setWeight(req.Layer, req.From, req.To, float32(req.Value)); err != nil {
		return err
	}
	l.panes[i].diverged = false
	return nil
}

// perceptronModel is the perceptron, learning with its own rule.
type perceptronModel struct{ *nn.Perceptron }

func (m perceptronModel) trainEpoch(train *data.Points) error {
	_, err := m.Epoch(train)
	return err
}

func (m perceptronModel) setWeight(_, from, to int, value float32) error {
	if to < 0 || to >= m.Units() || from < -1 || from >= m.Inputs {
		return errors.New("no such perceptron weight")
	}
	if from == -1 {
		m.Biases[to] = value
	} else {
		m.Weights[to*m.Inputs+from] = value
	}
	return nil
}

// mlpModel is a multi-layer network trained by gradient descent.
type mlpModel struct {
	net     *nn.Network
	trainer *nn.Trainer
}

func (m *mlpModel) trainEpoch(train *data.Points) error {
	_, err := m.trainer.Epoch(train, nil)
	return err
}

func (m *mlpModel) setWeight(layer, from, to int, value float32) error {
	if layer < 0 || layer >= len(m.net.Layers) {
		return fmt.Errorf("layer must be between 0 and %d", len(m.net.Layers)-1)
	}
	d := m.net.Layers[layer]
	if to < 0 || to >= d.Units || from < -1 || from >= d.Inputs {
		return errors.New("no such weight in that layer")
	}
	if from == -1 {
		d.Biases[to] = value
	} else {
		d.Weights[from*d.Units+to] = value
	}
	return nil
}

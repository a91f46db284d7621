package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"somehow/core/mathf"
)

// Samples is a labelled dataset that hands out one example at a time, so large sets (MNIST) can
// stay in their compact form and become float32 one batch at a time.
type Samples interface {
	// Len is the number of examples.
	Len() int
	// InputSize is the number of features of every example.
	InputSize() int
	// Input writes example i's features into x (len(x) == InputSize()).
	Input(i int, x []float32)
	// Label is example i's class, from 0.
	Label(i int) int
}

// Targets is implemented by samples whose targets are numbers rather than classes (fitting a
// curve). Without it, a class label becomes a one-hot target, or 0/1 for a single output.
type Targets interface {
	Target(i int, t []float32)
}

// fillTarget writes example i's target for a network with outputs units.
func fillTarget(data Samples, i int, t []float32) {
	if tg, ok := data.(Targets); ok {
		tg.Target(i, t)
		return
	}
	clear(t)
	label := data.Label(i)
	switch {
	case len(t) == 1:
		if label > 0 {
			t[0] = 1
		}
	case label >= 0 && label < len(t):
		t[label] = 1
	}
}

// checkFits says whether data can be fed to net.
func checkFits(net *Network, data Samples) error {
	if data.Len() == 0 {
		return errors.New("the dataset is empty")
	}
	if data.InputSize() != net.Arch.Inputs {
		return fmt.Errorf("the data has %d inputs per example but the network takes %d", data.InputSize(), net.Arch.Inputs)
	}
	return nil
}

// Trainer runs minibatch gradient descent: it shuffles the data at the start of every epoch and
// takes one optimiser step per batch. It can be driven one batch at a time (Step), which lets a
// browser worker train in slices of a few milliseconds, or an epoch at a time (Epoch).
type Trainer struct {
	Net       *Network
	Opt       *Optimizer
	BatchSize int
	// Epochs is how many full passes over the data have been completed.
	Epochs int
	// Team, when set, cuts every batch into Shards and computes it with the team's workers
	// (team.go): the same bits for any team size. Nil: one pass over the whole batch.
	Team *Team

	parts   [][]float32 // a team's gradients, one a worker
	weights []float32   // the weights sent to a team's helpers
	trial   teamTrial   // the search for the fastest team size

	rng   *rand.Rand
	order []int // this epoch's shuffled example order
	next  int   // position in order
	x, t  []float32
}

// NewTrainer makes a trainer whose shuffles come from seed.
func NewTrainer(net *Network, opt *Optimizer, batchSize int, seed uint64) (*Trainer, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if batchSize < 1 || batchSize > 65536 {
		return nil, fmt.Errorf("the batch size must be between 1 and 65536, not %d", batchSize)
	}
	return &Trainer{Net: net, Opt: opt, BatchSize: batchSize, rng: mathf.NewRand(seed ^ 0x73687566666c65)}, nil
}

// Position returns how many examples of the current epoch have been used.
func (tr *Trainer) Position() int { return tr.next }

// Step trains on the next batch and returns its loss (before the update). When the data's
// examples run out the epoch ends, Epochs goes up and the next Step reshuffles. A NaN or infinite
// loss returns ErrDiverged and leaves the weights as they were.
func (tr *Trainer) Step(data Samples) (float64, error) {
	if err := checkFits(tr.Net, data); err != nil {
		return 0, err
	}
	n := data.Len()
	if len(tr.order) != n || tr.next >= n {
		tr.order = tr.order[:0]
		for i := range n {
			tr.order = append(tr.order, i)
		}
		tr.rng.Shuffle(n, func(i, j int) { tr.order[i], tr.order[j] = tr.order[j], tr.order[i] })
		tr.next = 0
	}
	rows := min(tr.BatchSize, n-tr.next)
	in, out := tr.Net.Arch.Inputs, tr.Net.Arch.Outputs()
	tr.x = grow(tr.x, rows*in)
	tr.t = grow(tr.t, rows*out)
	for r := range rows {
		idx := tr.order[tr.next+r]
		data.Input(idx, tr.x[r*in:(r+1)*in])
		fillTarget(data, idx, tr.t[r*out:(r+1)*out])
	}
	var loss float64
	if tr.Team != nil {
		var err error
		if loss, err = tr.teamGradient(rows); err != nil {
			return 0, err
		}
	} else {
		tr.Net.Forward(tr.x, rows)
		loss = tr.Net.Loss(tr.t)
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, ErrDiverged
	}
	if tr.Team == nil {
		tr.Net.Backward(tr.t)
	}
	tr.Opt.Step(tr.Net)
	tr.next += rows
	if tr.next >= n {
		tr.Epochs++
	}
	return loss, nil
}

// Epoch trains until the current epoch ends and returns the mean batch loss. progress, if not
// nil, is called after every batch with the examples done so far.
func (tr *Trainer) Epoch(data Samples, progress func(done, total int)) (float64, error) {
	start := tr.Epochs
	var sum float64
	batches := 0
	for tr.Epochs == start {
		loss, err := tr.Step(data)
		if err != nil {
			return sum / float64(max(batches, 1)), err
		}
		sum += loss
		batches++
		if progress != nil {
			progress(tr.next, data.Len())
		}
	}
	if !tr.Net.Finite() {
		return sum / float64(batches), ErrDiverged
	}
	return sum / float64(batches), nil
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// Evaluation is how a network does on a dataset.
type Evaluation struct {
	Loss      float64 `json:"loss"`
	Errors    int     `json:"errors"`
	Total     int     `json:"total"`
	ErrorRate float64 `json:"errorRate"` // fraction in [0, 1]
	// Confusion[label][predicted] counts examples.
	Confusion [][]int `json:"confusion"`
	// Mistakes are the indices of the first MaxMistakes misclassified examples.
	Mistakes []int `json:"mistakes"`
	lossSum  float64
	scored   int
}

// MaxMistakes is how many misclassified examples an Evaluation remembers.
const MaxMistakes = 100

// evaluateBatch is how many examples Evaluate runs through the network at once.
const evaluateBatch = 250

// Accuracy is 1 - ErrorRate.
func (e Evaluation) Accuracy() float64 { return 1 - e.ErrorRate }

// Done reports whether every example has been scored.
func (e *Evaluation) Done() bool { return e.scored >= e.Total }

// Scored is how many examples have been scored so far.
func (e *Evaluation) Scored() int { return e.scored }

// NewEvaluation starts scoring net on data; call Next until Done, or use Evaluate.
func NewEvaluation(net *Network, data Samples) (*Evaluation, error) {
	if err := checkFits(net, data); err != nil {
		return nil, err
	}
	classes := max(net.Arch.Outputs(), 2)
	ev := &Evaluation{Total: data.Len(), Confusion: make([][]int, classes), Mistakes: []int{}}
	for i := range ev.Confusion {
		ev.Confusion[i] = make([]int, classes)
	}
	return ev, nil
}

// Next scores up to rows more examples, so a long evaluation can be done in slices.
func (e *Evaluation) Next(net *Network, data Samples, rows int) {
	in, out := net.Arch.Inputs, net.Arch.Outputs()
	classes := len(e.Confusion)
	start := e.scored
	rows = min(rows, e.Total-start)
	if rows <= 0 {
		return
	}
	x := make([]float32, rows*in)
	t := make([]float32, rows*out)
	for r := range rows {
		data.Input(start+r, x[r*in:(r+1)*in])
		fillTarget(data, start+r, t[r*out:(r+1)*out])
	}
	y := net.Forward(x, rows)
	e.lossSum += net.Loss(t) * float64(rows)
	for r := range rows {
		pred := ClassOf(y[r*out : (r+1)*out])
		label := data.Label(start + r)
		if label >= 0 && label < classes {
			e.Confusion[label][pred]++
		}
		if pred != label {
			e.Errors++
			if len(e.Mistakes) < MaxMistakes {
				e.Mistakes = append(e.Mistakes, start+r)
			}
		}
	}
	e.scored += rows
	e.Loss = e.lossSum / float64(e.scored)
	e.ErrorRate = float64(e.Errors) / float64(e.scored)
}

// Evaluate runs the whole dataset through net in batches and counts its mistakes. For
// classification it fills the confusion matrix (classes = max(outputs, 2)).
func Evaluate(net *Network, data Samples) (Evaluation, error) {
	ev, err := NewEvaluation(net, data)
	if err != nil {
		return Evaluation{}, err
	}
	for !ev.Done() {
		ev.Next(net, data, evaluateBatch)
	}
	return *ev, nil
}

// Recipe is how a network is made and trained: its architecture, how its weights start, the
// optimiser and the batch size. The lab's panes and MNIST runs are both started from one.
type Recipe struct {
	Arch      Architecture
	Init      Init
	Optimizer Optimizer
	BatchSize int
}

// Start makes a fresh network from the recipe, with weights and shuffling from seed, and the
// trainer that trains it with its own copy of the optimiser (Trainer.Net, Trainer.Opt).
func (r Recipe) Start(seed uint64) (*Trainer, error) {
	net, err := New(r.Arch, r.Init, seed)
	if err != nil {
		return nil, err
	}
	opt := r.Optimizer
	return NewTrainer(net, &opt, r.BatchSize, seed)
}

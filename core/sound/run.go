package sound

import (
	"errors"
	"fmt"
	"time"

	"somehow/core/nn"
)

// Run is one training of the reader on FSDD, done in slices so a page's worker can answer in
// between: batches until the budget is spent, and after each epoch the held-out clips scored.
type Run struct {
	Recipe  Recipe
	Fold    string // "fsdd" (its split) or the speaker left out
	trainer *nn.Trainer
	train   *Set
	test    []Clip
	history []Epoch
	lossSum float64
	batches int
	spent   time.Duration // training time of the epoch in progress
	stopped bool
}

// Epoch is one finished epoch of a run.
type Epoch struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"trainLoss"`
	// Accuracy is the share of the held-out clips read right, 0 to 1.
	Accuracy float64 `json:"accuracy"`
	Seconds  float64 `json:"seconds"`
}

// RunProgress is where a run stands.
type RunProgress struct {
	Fold     string  `json:"fold"`
	Epoch    int     `json:"epoch"`  // epochs finished
	Epochs   int     `json:"epochs"` // epochs asked for
	Done     int     `json:"done"`   // clips trained on in this epoch
	Total    int     `json:"total"`  // clips per epoch
	Held     int     `json:"held"`   // clips held out and scored
	History  []Epoch `json:"history"`
	Finished bool    `json:"finished"` // finished or stopped
	Stopped  bool    `json:"stopped"`
}

// NewRun starts training r on clips, holding out FSDD's test split (fold "fsdd") or one speaker.
func NewRun(r Recipe, clips []Clip, fold string, seed uint64) (*Run, error) {
	if r.Epochs < 1 || r.Epochs > 200 {
		return nil, fmt.Errorf("epochs must be between 1 and 200, not %d", r.Epochs)
	}
	var train, test []Clip
	if fold == "fsdd" {
		train, test = SplitFSDD(clips)
	} else {
		train, test = LeaveOut(clips, fold)
		if len(test) == 0 {
			return nil, fmt.Errorf("there is no speaker %q to leave out", fold)
		}
	}
	if len(train) == 0 {
		return nil, errors.New("there are no clips to train on")
	}
	tr, set, err := r.Start(train, seed)
	if err != nil {
		return nil, err
	}
	return &Run{Recipe: r, Fold: fold, trainer: tr, train: set, test: test}, nil
}

// UseTeam has the run's batches computed by team (nil: alone, unsharded), as the page does.
func (r *Run) UseTeam(team *nn.Team) { r.trainer.Team = team }

// Slice trains for about budget (measured with now), scoring the held-out clips at each epoch's
// end. It returns nn.ErrDiverged if the network blows up; the run is then over.
func (r *Run) Slice(budget time.Duration, now func() time.Time) error {
	start := now()
	for !r.Over() && now().Sub(start) < budget {
		stepStart := now()
		loss, err := r.trainer.Step(r.train)
		r.spent += now().Sub(stepStart)
		if err != nil {
			r.stopped = true
			return err
		}
		r.lossSum += loss
		r.batches++
		if r.trainer.Epochs > len(r.history) { // the epoch just ended: score the held-out clips
			acc, err := Accuracy(r.trainer.Net, r.test)
			if err != nil {
				return err
			}
			r.history = append(r.history, Epoch{Epoch: len(r.history) + 1, TrainLoss: r.lossSum / float64(max(r.batches, 1)),
				Accuracy: acc, Seconds: r.spent.Seconds()})
			r.lossSum, r.batches, r.spent = 0, 0, 0
		}
	}
	return nil
}

// Stop ends the run where it is.
func (r *Run) Stop() { r.stopped = true }

// Over reports whether the run has finished or been stopped.
func (r *Run) Over() bool { return r.stopped || len(r.history) >= r.Recipe.Epochs }

// Model is the network trained so far.
func (r *Run) Model() *nn.Model {
	m := &nn.Model{Name: "trained", Net: r.trainer.Net.Clone(), Sound: Version}
	if n := len(r.history); n > 0 && r.Fold == "fsdd" {
		m.TestError = 100 * (1 - r.history[n-1].Accuracy)
	}
	return m
}

// Progress reports where the run stands.
func (r *Run) Progress() RunProgress {
	p := RunProgress{Fold: r.Fold, Epoch: len(r.history), Epochs: r.Recipe.Epochs, Done: r.trainer.Position(),
		Total: r.train.Len(), Held: len(r.test), History: r.history, Finished: r.Over(), Stopped: r.stopped}
	if p.History == nil {
		p.History = []Epoch{}
	}
	if p.Done >= p.Total {
		p.Done = 0
	}
	return p
}

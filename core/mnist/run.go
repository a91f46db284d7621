package mnist

import (
	"errors"
	"time"

	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/mathf"
	"somehow/core/nn"
)

// Run is one training of a preset on MNIST, done in slices: an epoch of steps, then the test set
// scored, then the next epoch. The page calls Slice a few milliseconds at a time so the worker
// can answer in between; the CLI calls it with a long budget and reads each epoch as it ends.
type Run struct {
	Preset  Preset
	Seed    uint64
	Net     *nn.Network
	opt     *nn.Optimizer
	trainer *nn.Trainer
	train   nn.Samples
	test    *samples

	epoch    int // epochs finished and scored
	lossSum  float64
	batches  int
	epochDur time.Duration  // training time of the epoch in progress
	scoring  *nn.Evaluation // the test set being scored after an epoch, or nil
	history  []EpochReport  // one a finished epoch
	elapsed  time.Duration  // time spent computing, for examples per second
	examples int            // training examples seen, for examples per second
	finished bool
	stopped  bool
	diverged bool
}

// EpochReport is one finished epoch, or the point where a run was stopped.
type EpochReport struct {
	Epoch int `json:"epoch"`
	// EpochsDone is Epoch for a finished epoch; for a stop mid-epoch it counts the part done
	// too (1.3 = stopped a third into the second epoch).
	EpochsDone float64 `json:"epochsDone"`
	Stopped    bool    `json:"stopped,omitempty"`
	Seconds    float64 `json:"seconds"` // training time, not counting the test set
	TrainLoss  float64 `json:"trainLoss"`
	TestLoss   float64 `json:"testLoss"`
	TestError  float64 `json:"testError"` // percent
	// LearningRate is the rate the optimiser had reached at the epoch's end (the paper decays it).
	LearningRate float32 `json:"learningRate"`
}

// scoreRows is how many test images are scored per step of a slice.
const scoreRows = 500

// NewRun starts training p (already checked by Overrides.Apply or Validate) with weights and
// shuffling from seed, on train, scored on test.
func NewRun(p Preset, seed uint64, train, test *data.Images) (*Run, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	tr, err := p.Recipe().Start(seed)
	if err != nil {
		return nil, err
	}
	r := &Run{Preset: p, Seed: seed, Net: tr.Net, opt: tr.Opt, trainer: tr}
	epoch := func() int { return tr.Epochs }
	mnistTrain := &samples{Images: train, deskew: p.Deskew, seed: seed, epoch: epoch}
	if p.Augment {
		mnistTrain.augment = &digit.DefaultAugmentation
	}
	r.train = mnistTrain
	if p.People > 0 {
		r.train = nn.NewMix(mnistTrain, &peopleSet{n: p.People, deskew: p.Deskew, seed: seed, epoch: epoch})
	}
	r.test = &samples{Images: test, deskew: p.Deskew}
	return r, nil
}

// UseTeam has the run's batches computed by team (nil: alone, unsharded), as the page does.
func (r *Run) UseTeam(team *nn.Team) {
	if team != nil {
		team.Exchanged, team.Computed, team.Batches = 0, 0, 0 // this run's own
	}
	r.trainer.Team = team
}

// Model is the network trained so far, with the input options it needs.
func (r *Run) Model(name string) *nn.Model {
	m := &nn.Model{Name: name, Net: r.Net.Clone(), Deskew: r.Preset.Deskew}
	if n := len(r.history); n > 0 && !r.history[n-1].Stopped && r.history[n-1].Epoch == r.trainer.Epochs && r.trainer.Position() >= r.train.Len() {
		m.TestError = r.history[n-1].TestError // the network as it was scored
	}
	return m
}

// Samples is set as model m reads it (deskewed if m was trained so), for evaluating m.
func Samples(m *nn.Model, set *data.Images) nn.Samples {
	if !m.Deskew {
		return set
	}
	return &samples{Images: set, deskew: true}
}

// samples is a set of images as a run feeds them to the network: deskewed, and for training
// augmented, as the preset says. An augmented image depends only on the seed, the epoch and the
// image's index, so training gives the same bits natively and in wasm, in any order.
type samples struct {
	*data.Images
	deskew   bool
	augment  *digit.Augmentation
	seed     uint64
	epoch    func() int
	raw, tmp []float32
}

func (s *samples) Input(i int, x []float32) {
	if !s.deskew && s.augment == nil {
		s.Images.Input(i, x)
		return
	}
	if s.raw == nil {
		s.raw, s.tmp = make([]float32, ImageSize), make([]float32, ImageSize)
	}
	s.Images.Input(i, s.raw)
	img := s.raw
	if s.augment != nil {
		rng := mathf.NewRand(s.seed*0x9e3779b97f4a7c15 ^ uint64(s.epoch())*0xbf58476d1ce4e5b9 ^ uint64(i)*0x94d049bb133111eb)
		s.augment.Augment(s.raw, s.tmp, rng)
		img = s.tmp
	}
	if s.deskew {
		digit.DeskewInto(x[:ImageSize], img)
		return
	}
	copy(x, img)
}

// Slice trains, or scores the test set after an epoch, until budget has passed (measured with
// now) or an epoch has just been scored, whichever comes first. It returns nn.ErrDiverged when the
// network blows up; the run is then over.
func (r *Run) Slice(budget time.Duration, now func() time.Time) error {
	start := now()
	defer func() { r.elapsed += now().Sub(start) }()
	for !r.Over() && now().Sub(start) < budget {
		if r.scoring != nil {
			r.scoring.Next(r.Net, r.test, scoreRows)
			if r.scoring.Done() {
				r.endEpoch()
				return nil
			}
			continue
		}
		stepStart := now()
		pos := r.trainer.Position()
		if pos >= r.train.Len() { // the epoch just ended: this step starts the next one
			pos = 0
		}
		rows := min(r.trainer.BatchSize, r.train.Len()-pos)
		loss, err := r.trainer.Step(r.train)
		r.epochDur += now().Sub(stepStart)
		if err != nil {
			r.diverged, r.finished = errors.Is(err, nn.ErrDiverged), true
			return err
		}
		r.examples += rows
		r.lossSum += loss
		r.batches++
		if r.trainer.Epochs > r.epoch {
			if r.scoring, err = nn.NewEvaluation(r.Net, r.test); err != nil {
				return err
			}
		}
	}
	return nil
}

// endEpoch records the epoch just scored; after the last one the run is finished.
func (r *Run) endEpoch() {
	ev := r.scoring
	r.epoch = r.trainer.Epochs
	r.history = append(r.history, EpochReport{Epoch: r.epoch, EpochsDone: float64(r.epoch), Seconds: r.epochDur.Seconds(),
		TrainLoss: r.lossSum / float64(max(r.batches, 1)), TestLoss: ev.Loss, TestError: 100 * ev.ErrorRate,
		LearningRate: r.opt.CurrentLearningRate()})
	r.lossSum, r.batches, r.epochDur, r.scoring = 0, 0, 0, nil
	if r.epoch >= r.Preset.Epochs {
		r.finished = true
	}
}

// Stop ends the run where it is: the network so far is the result. Stopped mid-epoch, the
// network is scored on the test set there, so the run ends on a point like every epoch's.
func (r *Run) Stop() {
	if r.Over() {
		return
	}
	r.stopped = true
	if r.scoring != nil { // the epoch's training is done: finish scoring it
		for !r.scoring.Done() {
			r.scoring.Next(r.Net, r.test, scoreRows)
		}
		r.endEpoch()
		return
	}
	if r.batches == 0 { // nothing trained since the last report
		return
	}
	ev, err := nn.Evaluate(r.Net, r.test)
	if err != nil {
		return
	}
	done := float64(r.trainer.Position()) / float64(max(r.train.Len(), 1))
	r.history = append(r.history, EpochReport{Epoch: r.epoch, EpochsDone: float64(r.epoch) + done, Stopped: true,
		Seconds: r.epochDur.Seconds(), TrainLoss: r.lossSum / float64(r.batches), TestLoss: ev.Loss,
		TestError: 100 * ev.ErrorRate, LearningRate: r.opt.CurrentLearningRate()})
}

// Over reports whether the run has finished, been stopped or diverged.
func (r *Run) Over() bool { return r.finished || r.stopped }

// History is the finished epochs, oldest first.
func (r *Run) History() []EpochReport { return r.history }

// Progress is where a run stands, as the page shows it.
type Progress struct {
	Preset            string        `json:"preset"`
	Architecture      string        `json:"architecture"`
	Epoch             int           `json:"epoch"`  // epochs finished
	Epochs            int           `json:"epochs"` // epochs asked for
	Done              int           `json:"done"`   // training examples done in this epoch
	Total             int           `json:"total"`  // training examples per epoch
	Scoring           bool          `json:"scoring"`
	ExamplesPerSecond float64       `json:"examplesPerSecond"`
	SecondsLeft       float64       `json:"secondsLeft"` // 0 once the run is over
	History           []EpochReport `json:"history"`
	Finished          bool          `json:"finished"` // finished, stopped or diverged
	Stopped           bool          `json:"stopped"`
	Diverged          bool          `json:"diverged"`
	// EpochsDone counts the epochs trained, including the fraction of an unfinished one.
	EpochsDone float64 `json:"epochsDone"`
	// Workers is how many workers share each batch (a team's; 1 natively); with helpers,
	// ExchangeMs and ComputeMs are a batch's mean milliseconds spent sending to and waiting for
	// them, and computing the leader's own shards.
	Workers    int     `json:"workers"`
	TeamSize   int     `json:"teamSize"` // of Workers, how many the batches use now
	ExchangeMs float64 `json:"exchangeMs,omitempty"`
	ComputeMs  float64 `json:"computeMs,omitempty"`
}

// Progress reports where the run stands.
func (r *Run) Progress() Progress {
	total := r.train.Len()
	p := Progress{Preset: r.Preset.Name, Architecture: r.Preset.Arch.String(), Epoch: r.epoch, Epochs: r.Preset.Epochs,
		Total: total, Scoring: r.scoring != nil, History: r.history,
		Finished: r.Over(), Stopped: r.stopped, Diverged: r.diverged}
	if p.History == nil {
		p.History = []EpochReport{}
	}
	p.Workers, p.TeamSize = 1, r.trainer.TeamSize()
	if team := r.trainer.Team; team != nil {
		p.Workers = team.Workers()
		if team.Batches > 0 && len(team.Helpers) > 0 {
			p.ExchangeMs = float64(team.Exchanged.Microseconds()) / 1000 / float64(team.Batches)
			p.ComputeMs = float64(team.Computed.Microseconds()) / 1000 / float64(team.Batches)
		}
	}
	switch pos := r.trainer.Position(); {
	case r.trainer.Epochs > r.epoch: // the epoch is trained; its scoring is under way
		p.Done, p.EpochsDone = total, float64(r.trainer.Epochs)
	case pos >= total: // the last epoch is scored; the next has not started
		p.Done, p.EpochsDone = 0, float64(r.epoch)
	default:
		p.Done, p.EpochsDone = pos, float64(r.epoch)+float64(pos)/float64(max(total, 1))
	}
	if secs := r.elapsed.Seconds(); secs > 0 && r.examples > 0 {
		p.ExamplesPerSecond = float64(r.examples) / secs
		if !r.Over() {
			left := (r.Preset.Epochs-r.epoch)*total - p.Done
			p.SecondsLeft = float64(max(left, 0)) / p.ExamplesPerSecond
		}
	}
	return p
}

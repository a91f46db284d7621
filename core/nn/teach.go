package nn

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Teaching a network a person's (or a class's) own examples: a voice, a handwriting. One road for
// all of them: some examples are held back to judge it, a copy of the network is fine-tuned on
// the rest mixed with replay (examples it already knew, so it forgets nothing), a slice at a
// time so a browser's worker answers in between, and it is judged before and after on the
// held-back ones.

// HoldBack splits examples (their labels, and who made each: a student, or "" for one person)
// into those learnt from and those held back. With groups, whole groups are held back (about a
// third of them, at least one of two or more), so nobody's examples are on both sides; without,
// a third of each label's examples (at least one of a label with two or more), the latest.
func HoldBack(labels []int, groups []string) (taught, held []int) {
	seen := map[string]bool{}
	var order []string
	for _, g := range groups {
		if !seen[g] {
			seen[g] = true
			order = append(order, g)
		}
	}
	if len(order) > 1 {
		n := max(1, len(order)/3)
		heldGroup := map[string]bool{}
		for _, g := range order[len(order)-n:] {
			heldGroup[g] = true
		}
		for i, g := range groups {
			if heldGroup[g] {
				held = append(held, i)
			} else {
				taught = append(taught, i)
			}
		}
		return taught, held
	}
	byLabel := map[int][]int{}
	var labelOrder []int
	for i, l := range labels {
		if _, ok := byLabel[l]; !ok {
			labelOrder = append(labelOrder, l)
		}
		byLabel[l] = append(byLabel[l], i)
	}
	for _, l := range labelOrder {
		is := byLabel[l]
		n := len(is) / 3
		if n == 0 && len(is) >= 2 {
			n = 1
		}
		taught, held = append(taught, is[:len(is)-n]...), append(held, is[len(is)-n:]...)
	}
	return taught, held
}

// LessonPlan is how a lesson fine-tunes: passes over the mix, learning rate (Adam) and batch.
type LessonPlan struct {
	Epochs       int
	LearningRate float32
	BatchSize    int
}

// DefaultLessonPlan takes a few seconds in a browser for a few dozen examples.
var DefaultLessonPlan = LessonPlan{Epochs: 3, LearningRate: 0.0003, BatchSize: 16}

// Lesson is one fine-tuning under way.
type Lesson struct {
	// Net is the copy being taught; the network it came from is unchanged.
	Net *Network
	// Before and After are the shares of the held-back examples read right by the network as
	// it was and (once Done) as it is; Held and Taught count them.
	Before, After float64
	Held, Taught  int

	plan    LessonPlan
	held    Samples
	mix     *Mix
	trainer *Trainer
	done    bool
}

// NewLesson starts teaching a copy of net the examples taught (each repeated so that they count
// as much as the replay), judged on held. It scores the network as it was at once.
func NewLesson(net *Network, taught, held, replay Samples, plan LessonPlan, seed uint64) (*Lesson, error) {
	if taught == nil || taught.Len() == 0 {
		return nil, errors.New("there is nothing to learn from: give a few examples of each kind first")
	}
	if plan.Epochs < 1 || plan.Epochs > 200 {
		return nil, fmt.Errorf("a lesson takes 1 to 200 passes, not %d", plan.Epochs)
	}
	repeat := 1
	parts := []Samples{}
	if replay != nil && replay.Len() > 0 {
		repeat = max(1, replay.Len()/taught.Len())
		parts = append(parts, replay)
	}
	for range repeat {
		parts = append(parts, taught)
	}
	l := &Lesson{Net: net.Clone(), plan: plan, held: held, mix: NewMix(parts...), Taught: taught.Len()}
	if held != nil {
		l.Held = held.Len()
	}
	var err error
	if l.Before, err = l.score(net); err != nil {
		return nil, err
	}
	opt := Optimizer{Kind: Adam, LearningRate: plan.LearningRate}
	if l.trainer, err = NewTrainer(l.Net, &opt, plan.BatchSize, seed); err != nil {
		return nil, err
	}
	if err := checkFits(l.Net, l.mix); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Lesson) score(net *Network) (float64, error) {
	if l.held == nil || l.held.Len() == 0 {
		return 0, nil
	}
	ev, err := Evaluate(net, l.held)
	if err != nil {
		return 0, err
	}
	return ev.Accuracy(), nil
}

// UseTeam has the lesson's batches computed by team (nil: alone, unsharded).
func (l *Lesson) UseTeam(team *Team) { l.trainer.Team = team }

// Epoch is the pass under way (for augmentation that changes every pass).
func (l *Lesson) Epoch() int { return l.trainer.Epochs }

// Done reports whether the lesson is over (After is then set).
func (l *Lesson) Done() bool { return l.done }

// Progress is how many examples of the whole lesson have been learnt from, of how many.
func (l *Lesson) Progress() (done, total int) {
	return l.trainer.Epochs*l.mix.Len() + l.trainer.Position()%max(l.mix.Len(), 1), l.plan.Epochs * l.mix.Len()
}

// Slice fine-tunes for about budget (one batch at least), then scores the held-back examples
// once the last pass ends.
func (l *Lesson) Slice(budget time.Duration, now func() time.Time) error {
	start := now()
	for first := true; !l.done && (first || now().Sub(start) < budget); first = false {
		if _, err := l.trainer.Step(l.mix); err != nil {
			l.done = true
			return err
		}
		if l.trainer.Epochs >= l.plan.Epochs {
			var err error
			l.After, err = l.score(l.Net)
			l.done = true
			return err
		}
	}
	return nil
}

// LessonReport is how a lesson stands, as a page shows it.
type LessonReport struct {
	Type   string  `json:"type"` // "teaching" while under way, "taught" once done
	Done   int     `json:"done"` // examples learnt from so far, of Total
	Total  int     `json:"total"`
	Before float64 `json:"before"`
	After  float64 `json:"after"` // once done
	Held   int     `json:"held"`
	Taught int     `json:"taught"`
}

// Report says how the lesson stands.
func (l *Lesson) Report() LessonReport {
	r := LessonReport{Type: "teaching", Before: l.Before, Held: l.Held, Taught: l.Taught}
	r.Done, r.Total = l.Progress()
	if l.done {
		r.Type, r.After, r.Done = "taught", l.After, r.Total
	}
	return r
}

// Run teaches the whole lesson at once (natively: the CLI, the tests).
func (l *Lesson) Run() error {
	for !l.done {
		if err := l.Slice(time.Hour, time.Now); err != nil {
			return err
		}
	}
	return nil
}

// Mix is several sample sets read as one, one after another.
type Mix struct {
	parts  []Samples
	starts []int
	n      int
}

// NewMix puts parts one after another; they must have the same input size.
func NewMix(parts ...Samples) *Mix {
	m := &Mix{parts: parts}
	for _, p := range parts {
		m.starts = append(m.starts, m.n)
		m.n += p.Len()
	}
	return m
}

func (m *Mix) Len() int { return m.n }

func (m *Mix) InputSize() int {
	if len(m.parts) == 0 {
		return 0
	}
	return m.parts[0].InputSize()
}

func (m *Mix) part(i int) (Samples, int) {
	k := sort.SearchInts(m.starts, i+1) - 1 // the last part starting at or before i
	return m.parts[k], i - m.starts[k]
}

func (m *Mix) Input(i int, x []float32) {
	p, j := m.part(i)
	p.Input(j, x)
}

func (m *Mix) Label(i int) int {
	p, j := m.part(i)
	return p.Label(j)
}

// Subset is some examples of a sample set, by index.
type Subset struct {
	Of      Samples
	Indices []int
}

func (s *Subset) Len() int                 { return len(s.Indices) }
func (s *Subset) InputSize() int           { return s.Of.InputSize() }
func (s *Subset) Input(i int, x []float32) { s.Of.Input(s.Indices[i], x) }
func (s *Subset) Label(i int) int          { return s.Of.Label(s.Indices[i]) }

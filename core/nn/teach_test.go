package nn

import (
	"slices"
	"testing"
	"time"
)

// points is a labelled set of 2D points.
type points struct {
	xy     [][2]float32
	labels []int
}

func (p *points) Len() int                 { return len(p.labels) }
func (p *points) InputSize() int           { return 2 }
func (p *points) Input(i int, x []float32) { x[0], x[1] = p.xy[i][0], p.xy[i][1] }
func (p *points) Label(i int) int          { return p.labels[i] }

// Nobody's examples are on both sides; without groups a third of each label is held back.
func TestHoldBack(t *testing.T) {
	labels := []int{7, 7, 7, 7, 7, 7, 1, 1, 3}
	taught, held := HoldBack(labels, nil)
	if !slices.Equal(taught, []int{0, 1, 2, 3, 6, 8}) || !slices.Equal(held, []int{4, 5, 7}) {
		t.Errorf("by label: taught %v, held %v", taught, held)
	}
	groups := []string{"fox", "owl", "fox", "cat", "owl", "cat", "eel", "fox", "eel"}
	taught, held = HoldBack(labels, groups)
	inHeld := map[string]bool{}
	for _, i := range held {
		inHeld[groups[i]] = true
	}
	for _, i := range taught {
		if inHeld[groups[i]] {
			t.Errorf("%s's examples are on both sides", groups[i])
		}
	}
	if len(inHeld) != 1 || len(taught)+len(held) != len(labels) {
		t.Errorf("by group: taught %v, held %v", taught, held)
	}
}

func TestMixReadsItsPartsInOrder(t *testing.T) {
	a := &points{xy: [][2]float32{{1, 1}}, labels: []int{1}}
	empty := &points{}
	b := &points{xy: [][2]float32{{2, 2}, {3, 3}}, labels: []int{0, 1}}
	m := NewMix(empty, a, empty, b)
	x := make([]float32, 2)
	var got []float32
	for i := range m.Len() {
		m.Input(i, x)
		got = append(got, x[0])
	}
	if m.Len() != 3 || !slices.Equal(got, []float32{1, 2, 3}) || m.Label(1) != 0 {
		t.Errorf("mix of %d: %v", m.Len(), got)
	}
}

// A network that knows "x > 0 is class 1" is taught a person's exception (a patch of class 0
// where x > 0): the held-back ones go from wrong to right, and what it knew elsewhere stays.
func TestALessonLearnsTheExceptionAndForgetsNothing(t *testing.T) {
	rng := NewTestRand(1)
	world := &points{}
	for range 2000 {
		x, y := 2*rng.Float32()-1, 2*rng.Float32()-1
		if x > 0.25 && y > 0.4 {
			continue // the person's patch: the network never saw it
		}
		world.xy = append(world.xy, [2]float32{x, y})
		world.labels = append(world.labels, map[bool]int{true: 1, false: 0}[x > 0])
	}
	arch, _ := ParseArchitecture("2-24-24-2", ReLU, Softmax, CrossEntropy)
	tr, err := Recipe{Arch: arch, Init: Init{Kind: He}, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, BatchSize: 32}.Start(1)
	if err != nil {
		t.Fatal(err)
	}
	for range 30 {
		if _, err := tr.Epoch(world, nil); err != nil {
			t.Fatal(err)
		}
	}
	person := &points{}
	for range 30 {
		person.xy = append(person.xy, [2]float32{0.3 + 0.6*rng.Float32(), 0.45 + 0.5*rng.Float32()})
		person.labels = append(person.labels, 0)
	}
	taught, held := HoldBack(person.labels, nil)
	replay := &Subset{Of: world, Indices: make([]int, 0, 300)}
	for i := 0; i < world.Len(); i += world.Len() / 300 {
		replay.Indices = append(replay.Indices, i)
	}
	known, _ := Evaluate(tr.Net, world)
	lesson, err := NewLesson(tr.Net, &Subset{person, taught}, &Subset{person, held}, replay, LessonPlan{Epochs: 20, LearningRate: 0.003, BatchSize: 16}, 1)
	if err != nil {
		t.Fatal(err)
	}
	slices := 0
	for !lesson.Done() {
		if err := lesson.Slice(0, func() time.Time { return time.Time{} }); err != nil {
			t.Fatal(err)
		}
		slices++
	}
	after, _ := Evaluate(lesson.Net, world)
	if lesson.Before > 0.2 || lesson.After < 0.9 {
		t.Errorf("held back: %.0f%% -> %.0f%% right", 100*lesson.Before, 100*lesson.After)
	}
	if after.Accuracy() < known.Accuracy()-0.02 {
		t.Errorf("it forgot: %.1f%% -> %.1f%% of what it knew", 100*known.Accuracy(), 100*after.Accuracy())
	}
	if again, _ := Evaluate(tr.Net, world); again.Accuracy() != known.Accuracy() {
		t.Error("the lesson changed the network it was given")
	}
	if done, total := lesson.Progress(); slices < 5 || done != total || lesson.Held != 10 || lesson.Taught != 20 {
		t.Errorf("%d slices, progress %d of %d, held %d, taught %d", slices, done, total, lesson.Held, lesson.Taught)
	}
}

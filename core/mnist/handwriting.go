package mnist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/nn"
)

// A person's (or a class's) handwriting: drawings they said the digit of, learnt by a lesson
// (nn.Lesson) together with a replay of MNIST, so the reader learns their hand and forgets
// nothing. The page keeps them in the browser and exports them as an ExampleFile; the CLI
// (`somehow teach`) reads such files.

// Example is one drawing whose digit its writer said: the 28×28 image the pad made of it
// (centred like MNIST, before any deskewing, one byte a pixel, 0 paper to 255 ink).
type Example struct {
	Digit int    `json:"digit"`
	Image []byte `json:"image"` // ImageSize bytes (base64 in JSON)
	// Writer says who drew it (a class's student); "" for one person.
	Writer string `json:"writer,omitempty"`
	// Strokes are the drawing as made, in the pad's pixels, where known.
	Strokes [][][2]float64 `json:"strokes,omitempty"`
}

// ExampleFile is how examples are exported and read back.
type ExampleFile struct {
	Format   string    `json:"format"` // ExampleFormat
	Examples []Example `json:"examples"`
}

// ExampleFormat names an ExampleFile.
const ExampleFormat = "somehow handwriting 1"

// MaxExamples bounds the examples one lesson learns from.
const MaxExamples = 2000

// ReadExamples reads an ExampleFile, checking every example.
func ReadExamples(b []byte) ([]Example, error) {
	var f ExampleFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("this is not a Somehow handwriting file: %v", err)
	}
	if f.Format != ExampleFormat {
		return nil, fmt.Errorf("this is not a Somehow handwriting file (its format is %q, not %q)", f.Format, ExampleFormat)
	}
	if err := CheckExamples(f.Examples); err != nil {
		return nil, err
	}
	return f.Examples, nil
}

// CheckExamples says what is wrong with examples, if anything.
func CheckExamples(examples []Example) error {
	if len(examples) > MaxExamples {
		return fmt.Errorf("at most %d examples are learnt at once, not %d", MaxExamples, len(examples))
	}
	for i, e := range examples {
		if e.Digit < 0 || e.Digit > 9 {
			return fmt.Errorf("example %d says it is a %d; a digit is 0 to 9", i+1, e.Digit)
		}
		if len(e.Image) != ImageSize {
			return fmt.Errorf("example %d's image has %d pixels, not %d (28×28)", i+1, len(e.Image), ImageSize)
		}
	}
	return nil
}

// imagesOf lays out examples (those at the given indices) as a set of images.
func imagesOf(examples []Example, at []int) *data.Images {
	set := &data.Images{Count: len(at), Rows: digit.Size, Cols: digit.Size}
	for _, i := range at {
		set.Pixels = append(set.Pixels, examples[i].Image...)
		set.Labels = append(set.Labels, byte(examples[i].Digit))
	}
	return set
}

// ReplaySize is how many MNIST training images a lesson replays.
const ReplaySize = 300

// NewLesson starts teaching model m a handwriting: the examples are split (nn.HoldBack: a third
// of each digit, or a third of the writers when several wrote them), the rest learnt, augmented
// as MNIST is for training, with ReplaySize of replay's images spread over it. The taught
// network reads as m does (deskewed if m is).
func NewLesson(m *nn.Model, examples []Example, replay *data.Images, plan nn.LessonPlan, seed uint64) (*nn.Lesson, error) {
	if err := CheckExamples(examples); err != nil {
		return nil, err
	}
	if m.Net.Arch.Inputs != ImageSize || m.Net.Arch.Outputs() != 10 {
		return nil, fmt.Errorf("%s does not read digits", m.Net.Arch)
	}
	labels, writers := make([]int, len(examples)), make([]string, len(examples))
	for i, e := range examples {
		labels[i], writers[i] = e.Digit, e.Writer
	}
	taughtAt, heldAt := nn.HoldBack(labels, writers)
	if len(taughtAt) == 0 {
		return nil, errors.New("draw a few examples of each digit first: there is nothing to learn from")
	}
	var lesson *nn.Lesson
	epoch := func() int {
		if lesson == nil {
			return 0
		}
		return lesson.Epoch()
	}
	taught := &samples{Images: imagesOf(examples, taughtAt), deskew: m.Deskew, augment: &digit.DefaultAugmentation, seed: seed, epoch: epoch}
	held := &samples{Images: imagesOf(examples, heldAt), deskew: m.Deskew}
	var replaySet nn.Samples
	if replay != nil && replay.Len() > 0 {
		picked := &data.Images{Rows: replay.Rows, Cols: replay.Cols}
		for k := range min(ReplaySize, replay.Len()) {
			i := k * replay.Len() / min(ReplaySize, replay.Len())
			picked.Pixels = append(picked.Pixels, replay.Image(i)...)
			picked.Labels = append(picked.Labels, replay.Labels[i])
			picked.Count++
		}
		replaySet = &samples{Images: picked, deskew: m.Deskew, augment: &digit.DefaultAugmentation, seed: seed + 1, epoch: epoch}
	}
	lesson, err := nn.NewLesson(m.Net, taught, held, replaySet, plan, seed)
	return lesson, err
}

// HandwritingPlan is how the digits page and the CLI teach a handwriting.
var HandwritingPlan = nn.LessonPlan{Epochs: 4, LearningRate: 0.0002, BatchSize: 16}

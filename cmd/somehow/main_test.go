package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"somehow/core/mnist"
	"somehow/core/nn"
	"somehow/core/sound/soundtest"
)

func TestBadUsageIsOneClearError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.somehow")
	os.WriteFile(bad, []byte("not a model"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{nil, "give a command"},
		{[]string{"fly"}, "unknown command"},
		{[]string{"train", "-arch", "784-x-10"}, "not a positive whole number"},
		{[]string{"train", "-preset", "huge"}, "unknown preset"},
		{[]string{"train", "-hidden", "swish"}, "unknown activation"},
		{[]string{"train", "-lr", "-1"}, "learning rate"},
		{[]string{"train", "-arch", "2-3-1"}, "784 inputs"},
		{[]string{"train", "-nope"}, "flag provided but not defined"},
		{[]string{"eval"}, "usage"},
		{[]string{"eval", filepath.Join(dir, "missing.somehow")}, "no such file"},
		{[]string{"eval", bad}, "not a Somehow model"},
		{[]string{"bench", "-workers", "0"}, "not a positive number"},
		{[]string{"lab", "-scene", "nope"}, "there is no scene"},
		{[]string{"lab", "-every", "0"}, "every between"},
		{[]string{"teach", "x.somehow"}, "usage"},
		{[]string{"listen", "train", "-mix", "1.5"}, "mix must be between 0 and 1"},
		{[]string{"listen", "train", "-mix", "NaN"}, "mix must be between 0 and 1"},
		{[]string{"listen", "train", "-l2", "1"}, "weight decay must be at least 0 and below 1"},
		{[]string{"teach", "../../assets/models/fast.somehow", "-examples", filepath.Join(dir, "none.json")}, "no such file"},
		{[]string{"teach", "../../assets/models/fast.somehow", "-examples", bad}, "not a Somehow handwriting file"},
	}
	for _, c := range cases {
		err := run(c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("somehow %v: error %q, want one line mentioning %q", c.args, err, c.want)
		}
	}
}

// A short real training run through the CLI: JSON lines with the promised fields, a model file
// that eval reads back.
func TestTrainJSONAndEval(t *testing.T) {
	if _, err := mnist.Dir(); err != nil {
		t.Skip(err)
	}
	model := filepath.Join(t.TempDir(), "m.somehow")
	var out bytes.Buffer
	if err := run([]string{"train", "-preset", "fast", "-epochs", "2", "-train-limit", "3000", "-json", "-save", model}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %q", out.String())
	}
	for i, l := range lines {
		var rep map[string]float64
		if err := json.Unmarshal([]byte(l), &rep); err != nil {
			t.Fatalf("line %d is not JSON: %v", i, err)
		}
		for _, k := range []string{"epoch", "seconds", "train_loss", "test_error"} {
			if _, ok := rep[k]; !ok {
				t.Errorf("line %d lacks %q", i, k)
			}
		}
		if rep["epoch"] != float64(i+1) || rep["test_error"] <= 0 || rep["test_error"] > 30 {
			t.Errorf("line %d: %v", i, rep)
		}
	}
	out.Reset()
	if err := run([]string{"eval", model}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "confusion matrix") {
		t.Errorf("eval printed %q", out.String())
	}
}

// The lab without a browser: the XOR scene, scored every 100 epochs, says what the page shows.
func TestLabScene(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"lab", "-scene", "xor", "-epochs", "300", "-every", "100", "-json"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines for 300 epochs every 100:\n%s", len(lines), out.String())
	}
	var last struct {
		Epoch int
		Panes []struct {
			Architecture  string
			TrainAccuracy float64
		}
	}
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Epoch != 300 || len(last.Panes) != 2 || last.Panes[0].TrainAccuracy > 0.8 || last.Panes[1].TrainAccuracy < 0.95 {
		t.Errorf("after 300 epochs of XOR: %+v (the perceptron must stay below 80%%, the network reach 95%%)", last)
	}
}

// somehow teach learns a handwriting from an exported file, as the page does, and saves the
// taught model with every field (deskewing too).
func TestTeachFromAnExportedFile(t *testing.T) {
	if _, err := mnist.Dir(); err != nil {
		t.Skip(err)
	}
	var examples []mnist.Example
	for _, d := range mnist.People(1, 3) {
		e, err := d.Example()
		if err != nil {
			t.Fatal(err)
		}
		examples = append(examples, e)
	}
	dir := t.TempDir()
	file, out := filepath.Join(dir, "mine.json"), filepath.Join(dir, "mine.somehow")
	b, _ := json.Marshal(mnist.ExampleFile{Format: mnist.ExampleFormat, Examples: examples})
	os.WriteFile(file, b, 0o644)
	var buf bytes.Buffer
	if err := run([]string{"teach", "../../assets/models/conv.somehow", "-examples", file, "-epochs", "1", "-save", out}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "held back") || !strings.Contains(buf.String(), "MNIST test error") {
		t.Errorf("output: %s", buf.String())
	}
	m, err := loadModel(out)
	if err != nil || !m.Deskew || m.TestError <= 0 {
		t.Errorf("the taught model: %v, deskew %v, test error %v", err, m != nil && m.Deskew, m)
	}
}

// Leaving each speaker out in turn ends with the mean over the folds, of their last epochs and of
// their last three (a steadier number), both as the per-epoch lines say.
func TestListenSpeakerFolds(t *testing.T) {
	recs, err := soundtest.Recordings([]string{"george", "jackson", "lucas"}, 3)
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	for _, r := range recs {
		if err := os.WriteFile(filepath.Join(dir, r.Name), r.MP3, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"listen", "train", "-fold", "speakers", "-epochs", "4", "-fsdd", dir}, &out); err != nil {
		t.Fatal(err)
	}
	var last, steady float64
	for _, sp := range []string{"george", "jackson", "lucas"} {
		var accs []float64
		for e := 1; e <= 4; e++ {
			var loss, acc, secs float64
			var clips int
			i := strings.Index(out.String(), fmt.Sprintf("%s epoch %d:", sp, e))
			if i < 0 {
				t.Fatalf("no line for %s's epoch %d in:\n%s", sp, e, out.String())
			}
			fmt.Sscanf(out.String()[i:], sp+" epoch %d: loss %f, test %f%% right (%d clips), %f s", new(int), &loss, &acc, &clips, &secs)
			right := math.Round(acc * float64(clips) / 100) // the line rounds; the count is exact
			accs = append(accs, 100*right/float64(clips))
		}
		last += accs[3] / 3
		steady += (accs[1] + accs[2] + accs[3]) / 9
	}
	want := fmt.Sprintf("mean over the 3 unseen-speaker folds: %.1f%% (of each fold's last three epochs: %.1f%%)", last, steady)
	if !strings.Contains(out.String(), want) {
		t.Errorf("want %q in:\n%s", want, out.String())
	}
}

// -members N trains N networks from seeds seed, seed+1, ... and saves the one network that reads
// by their vote: the same as merging the networks trained one at a time with those seeds.
func TestListenMembersVote(t *testing.T) {
	recs, err := soundtest.Recordings([]string{"george", "jackson"}, 3)
	if err != nil {
		t.Skip(err)
	}
	dir, tmp := t.TempDir(), t.TempDir()
	for _, r := range recs {
		if err := os.WriteFile(filepath.Join(dir, r.Name), r.MP3, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	train := func(save string, flags ...string) string {
		var out bytes.Buffer
		args := append([]string{"listen", "train", "-fold", "george", "-epochs", "2", "-fsdd", dir, "-save", filepath.Join(tmp, save)}, flags...)
		if err := run(args, &out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	said := train("vote.somehow", "-seed", "5", "-members", "2")
	train("a.somehow", "-seed", "5")
	train("b.somehow", "-seed", "6")
	if !strings.Contains(said, "george epoch 2: ") || !strings.Contains(said, "(the vote of 2 networks)") {
		t.Errorf("the lines do not say the vote was scored:\n%s", said)
	}
	load := func(name string, members int) *nn.Network {
		m, err := loadModel(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		// The file says it is a vote, so the page can say so.
		if m.Members != members {
			t.Errorf("%s says it holds %d networks, not %d", name, m.Members, members)
		}
		return m.Net
	}
	vote, a, b := load("vote.somehow", 2), load("a.somehow", 0), load("b.somehow", 0)
	want, err := nn.Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if vote.Arch.String() != want.Arch.String() {
		t.Fatalf("saved %s, want %s", vote.Arch, want.Arch)
	}
	for i, p := range want.Params() {
		for j, v := range p.Value {
			if got := vote.Params()[i].Value[j]; got != v {
				t.Fatalf("parameter %d[%d]: saved %g, the merged networks %g", i, j, got, v)
			}
		}
	}
	var out bytes.Buffer
	if err := run([]string{"listen", "train", "-members", "9"}, &out); err == nil || !strings.Contains(err.Error(), "members must be between 1 and 8") {
		t.Errorf("-members 9: %v", err)
	}
}

// Synthetic voices are trained on in every fold and never tested on: the folds are FSDD's
// speakers, and a voices folder holding one of them is refused (it would be trained on in the
// fold that leaves them out).
func TestListenVoices(t *testing.T) {
	recs, err := soundtest.Recordings([]string{"george", "jackson", "lucas"}, 2)
	if err != nil {
		t.Skip(err)
	}
	dir, voices, clash := t.TempDir(), t.TempDir(), t.TempDir()
	for _, r := range recs {
		to, name := dir, r.Name
		if strings.Contains(name, "_lucas_") { // lucas plays a synthetic voice, "synth"
			to, name = voices, strings.Replace(name, "_lucas_", "_synth_", 1)
		}
		if err := os.WriteFile(filepath.Join(to, name), r.MP3, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(name, "_george_") {
			if err := os.WriteFile(filepath.Join(clash, name), r.MP3, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if err := run([]string{"listen", "train", "-fold", "speakers", "-epochs", "2", "-voice-epochs", "1", "-fsdd", dir, "-voices", voices}, &out); err != nil {
		t.Fatal(err)
	}
	said := out.String()
	for _, want := range []string{
		"george: training on 40 clips, 20 of them by 1 synthetic voices",
		"george epoch 1: ", "(20 clips)",
		"george: from epoch 2 on FSDD's 20 clips alone",
		"jackson: training on 40 clips, 20 of them by 1 synthetic voices",
		"mean over the 2 unseen-speaker folds",
	} {
		if !strings.Contains(said, want) {
			t.Errorf("the lines do not say %q:\n%s", want, said)
		}
	}
	if strings.Contains(said, "synth epoch") {
		t.Errorf("a synthetic voice was tested on:\n%s", said)
	}
	out.Reset()
	if err := run([]string{"listen", "train", "-epochs", "2", "-voice-epochs", "3", "-fsdd", dir, "-voices", voices}, &out); err == nil || !strings.Contains(err.Error(), "voice-epochs must be between 0 and the epochs (2)") {
		t.Errorf("-voice-epochs 3 of 2: %v", err)
	}
	if err := run([]string{"listen", "train", "-epochs", "2", "-voice-epochs", "1", "-fsdd", dir}, &out); err == nil || !strings.Contains(err.Error(), "give them with -voices DIR") {
		t.Errorf("-voice-epochs without -voices: %v", err)
	}
	err = run([]string{"listen", "train", "-fold", "jackson", "-epochs", "1", "-fsdd", dir, "-voices", clash}, &out)
	if err == nil || !strings.Contains(err.Error(), "holds the FSDD speaker george") {
		t.Errorf("a voices folder holding george: %v", err)
	}
}

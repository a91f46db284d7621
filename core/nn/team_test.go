package nn_test

import (
	"math"
	"slices"
	"testing"

	"somehow/core/data"
	"somehow/core/nn"
)

// goroutineHelper is a team member on another goroutine with its own network, built from the
// job's architecture as a browser worker builds its own: nothing is shared with the leader but
// the numbers in the job.
type goroutineHelper struct {
	jobs    chan nn.ShardJob
	answers chan answer
}

type answer struct {
	grad []float32
	loss float64
}

func newGoroutineHelper() *goroutineHelper {
	h := &goroutineHelper{jobs: make(chan nn.ShardJob, 1), answers: make(chan answer, 1)}
	go func() {
		var net *nn.Network
		for job := range h.jobs {
			if net == nil {
				var err error
				if net, err = nn.New(job.Arch, nn.Init{Kind: nn.Xavier}, 0); err != nil {
					panic(err)
				}
			}
			if err := net.SetWeights(job.Weights); err != nil {
				panic(err)
			}
			grad := make([]float32, net.ParameterCount())
			loss := net.ShardGradient(job.X, job.T, job.Batch, job.First, job.Count, grad)
			h.answers <- answer{grad, loss}
		}
	}()
	return h
}

func (h *goroutineHelper) Send(job *nn.ShardJob) error {
	// A copy of everything, as a postMessage makes: the leader reuses its buffers.
	j := *job
	j.Weights = append([]float32(nil), job.Weights...)
	j.X = append([]float32(nil), job.X...)
	j.T = append([]float32(nil), job.T...)
	h.jobs <- j
	return nil
}

func (h *goroutineHelper) Receive(grad []float32) (float64, error) {
	a := <-h.answers
	copy(grad, a.grad)
	return a.loss, nil
}

func team(workers int) *nn.Team {
	t := &nn.Team{Pinned: true}
	for range workers - 1 {
		t.Helpers = append(t.Helpers, newGoroutineHelper())
	}
	return t
}

// trainWithTeam trains a fresh network for steps batches and returns its weights and losses.
func trainWithTeam(t *testing.T, sizes string, output nn.Activation, loss nn.Loss, batch, steps int, data nn.Samples, tm *nn.Team) ([]float32, []float64) {
	t.Helper()
	arch, err := nn.ParseArchitecture(sizes, nn.ReLU, output, loss)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.He}, 7)
	if err != nil {
		t.Fatal(err)
	}
	opt := nn.Optimizer{Kind: nn.Adam, LearningRate: 0.01}
	tr, err := nn.NewTrainer(net, &opt, batch, 7)
	if err != nil {
		t.Fatal(err)
	}
	tr.Team = tm
	var losses []float64
	for range steps {
		l, err := tr.Step(data)
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, l)
	}
	w := make([]float32, net.ParameterCount())
	net.WeightsInto(w)
	return w, losses
}

// The page's promise: the same seed gives the same network, bit for bit, whether one, two or four
// workers share the batches, for dense and conv networks, batches that do not split evenly and
// batches smaller than the shards; and sharding changes only the order of the sums, so training
// stays close to the unsharded trainer's.
func TestTeamSameBitsForAnyWorkerCount(t *testing.T) {
	spiral, err := data.Generate("spiral", 203, 3, 0.05, 3) // 203: the last batch is short
	if err != nil {
		t.Fatal(err)
	}
	images := tinyImages(t, 150)
	for _, c := range []struct {
		name    string
		sizes   string
		output  nn.Activation
		loss    nn.Loss
		batch   int
		samples nn.Samples
	}{
		{"dense softmax", "2-16-16-3", nn.Softmax, nn.CrossEntropy, 30, spiral},
		{"dense sigmoid mse", "2-8-3", nn.Sigmoid, nn.MSE, 64, spiral},
		{"tiny batches", "2-8-3", nn.Softmax, nn.CrossEntropy, 3, spiral},
		{"conv", "8x8-conv3x3x4same-pool2-10", nn.Softmax, nn.CrossEntropy, 16, images},
	} {
		t.Run(c.name, func(t *testing.T) {
			steps := 40
			one, oneLoss := trainWithTeam(t, c.sizes, c.output, c.loss, c.batch, steps, c.samples, team(1))
			adaptive := team(4)
			adaptive.Pinned = false // tries 4, 2 and 1 workers, then keeps one
			for _, tm := range []*nn.Team{team(2), team(4), adaptive} {
				workers := tm.Workers()
				w, l := trainWithTeam(t, c.sizes, c.output, c.loss, c.batch, steps, c.samples, tm)
				for i := range w {
					if math.Float32bits(w[i]) != math.Float32bits(one[i]) {
						t.Fatalf("%d workers: weight %d is %v, one worker's is %v", workers, i, w[i], one[i])
					}
				}
				for i := range l {
					if math.Float64bits(l[i]) != math.Float64bits(oneLoss[i]) {
						t.Fatalf("%d workers: the loss of batch %d is %v, one worker's %v", workers, i, l[i], oneLoss[i])
					}
				}
			}
			plain, plainLoss := trainWithTeam(t, c.sizes, c.output, c.loss, c.batch, steps, c.samples, nil)
			for i := range plainLoss {
				if d := math.Abs(plainLoss[i] - oneLoss[i]); d > 1e-3*math.Max(1, math.Abs(plainLoss[i])) {
					t.Fatalf("batch %d: sharded loss %v, unsharded %v", i, oneLoss[i], plainLoss[i])
				}
			}
			var worst float64
			for i := range plain {
				worst = math.Max(worst, math.Abs(float64(plain[i]-one[i])))
			}
			if worst > 1e-3 {
				t.Fatalf("after %d steps a weight differs by %v from the unsharded trainer's", steps, worst)
			}
		})
	}
}

// One batch's sharded gradient is the whole batch's gradient, summed in another order.
func TestShardGradientIsTheBatchGradient(t *testing.T) {
	images := tinyImages(t, 37)
	arch, err := nn.ParseArchitecture("8x8-conv3x3x4same-pool2-12-10", nn.Tanh, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.Xavier}, 5)
	if err != nil {
		t.Fatal(err)
	}
	rows := images.Len()
	x := make([]float32, rows*arch.Inputs)
	tg := make([]float32, rows*10)
	for r := range rows {
		images.Input(r, x[r*arch.Inputs:(r+1)*arch.Inputs])
		tg[r*10+images.Label(r)] = 1
	}
	net.Forward(x, rows)
	wantLoss := net.Loss(tg)
	net.Backward(tg)
	var want []float32
	for _, p := range net.Params() {
		want = append(want, p.Grad...)
	}
	got := make([]float32, net.ParameterCount())
	loss := net.ShardGradient(x, tg, rows, 0, nn.Shards, got)
	if math.Abs(loss-wantLoss) > 1e-6 {
		t.Fatalf("loss %v, the whole batch's %v", loss, wantLoss)
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-6+1e-5*math.Abs(float64(want[i])) {
			t.Fatalf("gradient %d: %v, the whole batch's %v", i, got[i], want[i])
		}
	}
}

// Unpinned, a trainer tries the whole team, half of it and itself alone, then keeps one size.
func TestTeamTriesEachSizeThenKeepsOne(t *testing.T) {
	spiral, err := data.Generate("spiral", 300, 3, 0.05, 3)
	if err != nil {
		t.Fatal(err)
	}
	arch, _ := nn.ParseArchitecture("2-8-3", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 1)
	opt := nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1}
	tr, _ := nn.NewTrainer(net, &opt, 32, 1)
	tr.Team = team(4)
	tr.Team.Pinned = false
	var sizes []int
	for range 40 {
		sizes = append(sizes, tr.TeamSize())
		if _, err := tr.Step(spiral); err != nil {
			t.Fatal(err)
		}
	}
	want := []int{4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1}
	if got := sizes[:len(want)]; !slices.Equal(got, want) {
		t.Fatalf("sizes tried %v, want %v", got, want)
	}
	for _, s := range sizes[len(want):] {
		if s != sizes[len(want)] {
			t.Fatalf("the size changed after the trial: %v", sizes)
		}
	}
}

func TestTeamRejectsUnevenSplits(t *testing.T) {
	if err := team(3).Validate(); err == nil {
		t.Fatal("a team of 3 was accepted")
	}
	if err := nn.ValidateShards(64, 1, 2); err == nil {
		t.Fatal("shards 1..2 (not a subtree) were accepted")
	}
	if err := nn.ValidateShards(64, 2, 2); err != nil {
		t.Fatal(err)
	}
}

// tinyImages is n 8×8 images of ten classes, a bar whose place is the class.
func tinyImages(t *testing.T, n int) *data.Images {
	t.Helper()
	pixels := make([]byte, n*64)
	labels := make([]byte, n)
	for i := range n {
		c := i % 10
		labels[i] = byte(c)
		for k := range 8 {
			pixels[i*64+(c%8)*8+k] = byte(100 + 15*k + i%7)
			pixels[i*64+k*8+(c+i)%8] = byte(60 + i%90)
		}
	}
	return &data.Images{Count: n, Rows: 8, Cols: 8, Pixels: pixels, Labels: labels}
}

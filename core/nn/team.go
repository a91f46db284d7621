package nn

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"somehow/core/linalg"
)

// Training with a team: in the browser a worker cannot share its memory with another, so
// data-parallel training there works on whole gradients. Every batch is cut into Shards pieces
// of rows, each piece's gradient is computed on its own (scaled by its share of the batch) and
// the pieces are added in one fixed tree, ((g0+g1)+(g2+g3)). One worker computes the whole tree;
// two compute a half each, four a leaf each, and the leader adds what comes back in the same
// tree. Floating-point addition is commutative but not associative, so a fixed tree is what makes
// the result the same bits for 1, 2 or 4 workers. Only the leader keeps an optimiser: helpers are
// sent the weights and the rows of their shards, and answer with their subtree's gradient.
//
// Natively the trainer does not shard: its matrix products split rows across goroutines
// (Network.Workers), which already gives the same bits for any count.

// Shards is how many pieces a team's trainer cuts every batch into, whatever the team's size.
const Shards = 4

// ShardJob is one helper's part of a batch.
type ShardJob struct {
	Arch Architecture
	// Weights is every parameter in Params order (the leader's network as it is now).
	Weights []float32
	// Batch is the rows of the whole batch; the helper's shards are First..First+Count-1, and
	// X and T hold only their rows (ShardRows(Batch, First, Count)).
	Batch, First, Count int
	X, T                []float32
}

// Helper is another worker of a team. Send hands it a job and must not wait; Receive waits for
// its answer: the sum of its shards' gradients (len = ParameterCount) and their share of the
// batch's loss.
type Helper interface {
	Send(job *ShardJob) error
	Receive(grad []float32) (loss float64, err error)
}

// Team is the workers a trainer computes with: itself and Helpers (none, one or three).
type Team struct {
	Helpers []Helper
	// Pinned has every batch use the whole team, rather than the size found fastest (for tests
	// and benchmarks that measure a given size).
	Pinned bool
	// Exchanged is the time batches spent handing jobs to helpers and waiting for their answers
	// after the leader's own shards were done (the cost of going parallel), over Batches
	// batches; Computed is the time the leader's own shards took.
	Exchanged, Computed time.Duration
	Batches             int
}

// Workers is how many workers share each batch.
func (t *Team) Workers() int { return 1 + len(t.Helpers) }

// Validate says whether the team can split Shards evenly, in whole subtrees.
func (t *Team) Validate() error {
	switch t.Workers() {
	case 1, 2, 4:
		return nil
	}
	return fmt.Errorf("a team trains with 1, 2 or 4 workers, not %d", t.Workers())
}

// ShardRows is the rows [lo, hi) of the batch that shards first..first+count-1 cover.
func ShardRows(batch, first, count int) (lo, hi int) {
	return first * batch / Shards, (first + count) * batch / Shards
}

// ValidateShards says whether first and count name a whole subtree of the fixed tree.
func ValidateShards(batch, first, count int) error {
	if batch < 1 || count < 1 || count&(count-1) != 0 || first%count != 0 || first < 0 || first+count > Shards {
		return fmt.Errorf("shards %d..%d of a batch of %d are not a part of the %d-shard tree", first, first+count-1, batch, Shards)
	}
	return nil
}

// ParameterCount is how many numbers Params holds.
func (n *Network) ParameterCount() int {
	c := 0
	for _, p := range n.Params() {
		c += len(p.Value)
	}
	return c
}

// SetWeights copies w (Params order) into the network.
func (n *Network) SetWeights(w []float32) error {
	if len(w) != n.ParameterCount() {
		return fmt.Errorf("the network has %d parameters, not %d", n.ParameterCount(), len(w))
	}
	off := 0
	for _, p := range n.Params() {
		off += copy(p.Value, w[off:])
	}
	return nil
}

// WeightsInto copies the network's parameters (Params order) into w.
func (n *Network) WeightsInto(w []float32) {
	off := 0
	for _, p := range n.Params() {
		off += copy(w[off:], p.Value)
	}
}

// ShardGradient computes the gradient of shards first..first+count-1 (a whole subtree) of a
// batch of batch rows, each scaled by its share of the batch and added in the fixed tree, into
// grad (len ParameterCount). x and t hold only those shards' rows. It returns their share of the
// batch's mean loss. Summed over the whole tree this is the batch's gradient and loss.
func (n *Network) ShardGradient(x, t []float32, batch, first, count int, grad []float32) float64 {
	base, _ := ShardRows(batch, first, count)
	loss := n.subtree(x, t, batch, base, first, count, grad, 0)
	n.gradsAt(n.grads)
	return loss
}

func (n *Network) subtree(x, t []float32, batch, base, first, count int, grad []float32, level int) float64 {
	if count == 1 {
		return n.leaf(x, t, batch, base, first, grad)
	}
	half := count / 2
	left := n.subtree(x, t, batch, base, first, half, grad, level+1)
	for len(n.treeScratch) <= level {
		n.treeScratch = append(n.treeScratch, nil)
	}
	n.treeScratch[level] = grow(n.treeScratch[level], len(grad))
	right := n.subtree(x, t, batch, base, first+half, half, n.treeScratch[level], level+1)
	linalg.Add(n.treeScratch[level], grad)
	return left + right
}

// leaf is one shard's scaled gradient.
func (n *Network) leaf(x, t []float32, batch, base, shard int, grad []float32) float64 {
	lo, hi := ShardRows(batch, shard, 1)
	rows := hi - lo
	if rows == 0 { // a batch of fewer than Shards rows
		clear(grad)
		return 0
	}
	in, out := n.Arch.Inputs, n.Arch.Outputs()
	ts := t[(lo-base)*out : (hi-base)*out]
	n.Forward(x[(lo-base)*in:(hi-base)*in], rows)
	loss := n.Loss(ts)
	n.gradsAt(grad) // the backward pass writes straight into grad, already scaled
	n.meanOver = batch
	n.Backward(ts)
	n.meanOver = 0
	return loss * float64(rows) / float64(batch)
}

// sumTree adds parts (whole subtrees, in order; 1, 2 or 4 of them) pairwise into parts[0], and
// their losses likewise: the top of the same tree ShardGradient builds below them.
func sumTree(parts [][]float32, losses []float64) float64 {
	parts = append([][]float32(nil), parts...) // the caller's buffers keep their places
	for len(parts) > 1 {
		for i := 0; i < len(parts); i += 2 {
			linalg.Add(parts[i+1], parts[i])
			losses[i] += losses[i+1]
		}
		for i := 0; i < len(parts)/2; i++ {
			parts[i], losses[i] = parts[2*i], losses[2*i]
		}
		parts, losses = parts[:len(parts)/2], losses[:len(losses)/2]
	}
	return losses[0]
}

// Helpers pay only where a batch's work outweighs moving its numbers: in a browser, sending
// 784-128-10's weights and rows to a helper and its gradient back costs about 4 ms, more than
// the helper saves on a batch of 64 (2.4 ms), while the conv net's batches (80 ms) gain 30%. So
// a trainer tries each team size it may use (the whole team, then half, down to itself alone)
// for a few batches, and keeps the fastest. Which size computes a batch never changes its bits.
const (
	trialWarmup  = 1 // batches at a size before its timing starts
	trialBatches = 4 // batches timed at each size
)

// teamTrial is a trainer's search for its fastest team size.
type teamTrial struct {
	size    int // the size being tried, or chosen once done
	batches int // batches at this size so far
	spent   time.Duration
	best    int
	bestPer time.Duration
	done    bool
}

// next returns the team size for the coming batch.
func (t *teamTrial) next(workers int, pinned bool) int {
	if pinned {
		return workers
	}
	if t.size == 0 || t.size > workers {
		t.size = workers
	}
	return t.size
}

// record notes how long a batch at the current size took and moves the search on.
func (t *teamTrial) record(took time.Duration) {
	if t.done {
		return
	}
	t.batches++
	if t.batches <= trialWarmup {
		return
	}
	t.spent += took
	if t.batches < trialWarmup+trialBatches {
		return
	}
	per := t.spent / trialBatches
	if t.best == 0 || per < t.bestPer {
		t.best, t.bestPer = t.size, per
	}
	if t.size == 1 {
		t.size, t.done = t.best, true
		return
	}
	t.size, t.batches, t.spent = t.size/2, 0, 0
}

// TeamSize is how many workers the trainer's batches use now (1 without a team).
func (tr *Trainer) TeamSize() int {
	if tr.Team == nil {
		return 1
	}
	return tr.trial.next(tr.Team.Workers(), tr.Team.Pinned)
}

// teamGradient computes the gradient of the batch in tr.x, tr.t (rows rows) with tr.Team and
// leaves it in the network's Params' Grad, returning the batch's loss.
func (tr *Trainer) teamGradient(rows int) (float64, error) {
	team := tr.Team
	if err := team.Validate(); err != nil {
		return 0, err
	}
	began := time.Now()
	net := tr.Net
	size := net.ParameterCount()
	workers := tr.TeamSize()
	helpers := team.Helpers[:workers-1]
	per := Shards / workers
	in, out := net.Arch.Inputs, net.Arch.Outputs()
	for len(tr.parts) < workers {
		tr.parts = append(tr.parts, nil)
	}
	tr.parts[0] = net.grads // the sum lands where the optimiser reads it
	for i := 1; i < workers; i++ {
		tr.parts[i] = grow(tr.parts[i], size)
	}
	losses := make([]float64, workers)
	start := time.Now()
	if len(helpers) > 0 {
		tr.weights = grow(tr.weights, size)
		net.WeightsInto(tr.weights)
		for h, helper := range helpers {
			first := (h + 1) * per
			lo, hi := ShardRows(rows, first, per)
			job := &ShardJob{Arch: net.Arch, Weights: tr.weights, Batch: rows, First: first, Count: per,
				X: tr.x[lo*in : hi*in], T: tr.t[lo*out : hi*out]}
			if err := helper.Send(job); err != nil {
				return 0, fmt.Errorf("a training worker could not be reached: %w", err)
			}
		}
	}
	_, hi := ShardRows(rows, 0, per)
	sent := time.Now()
	losses[0] = net.ShardGradient(tr.x[:hi*in], tr.t[:hi*out], rows, 0, per, tr.parts[0])
	computed := time.Now()
	var failed error
	for h, helper := range helpers {
		loss, err := helper.Receive(tr.parts[h+1])
		if err != nil && failed == nil { // every answer is still awaited, so none arrives late
			failed = fmt.Errorf("a training worker failed: %w", err)
		}
		losses[h+1] = loss
	}
	if failed != nil {
		return 0, failed
	}
	if len(helpers) > 0 {
		team.Exchanged += sent.Sub(start) + time.Since(computed)
		team.Computed += computed.Sub(sent)
		team.Batches++
	}
	tr.trial.record(time.Since(began))
	return sumTree(tr.parts[:workers], losses), nil
}

// FloatsFromBytes reads little-endian float32s: without copying where b is aligned, as the
// buffers a browser worker hands over are (wasm and the machines Somehow runs on are
// little-endian).
func FloatsFromBytes(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, errors.New("a float32 buffer's length must be a multiple of 4")
	}
	if len(b) == 0 {
		return nil, nil
	}
	if uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4), nil
	}
	f := make([]float32, len(b)/4)
	copy(FloatBytes(f), b)
	return f, nil
}

// FloatBytes is f's memory as bytes (little-endian float32s), not a copy.
func FloatBytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

package linalg

import "sync"

// Axpys is many Axpy calls of one length, the inner work of MulAdd and MulTransAAdd, described so
// that a platform with a faster loop than Go gives it (WebAssembly SIMD in the page's worker, which
// Go's compiler does not emit) can run a whole product in one call. For each row r < Rows, and
// each i in [Starts[r], Starts[r+1]) with q = Index[i]:
//
//	Y[r·YRow+q·YIdx:][:N] += A[r·ARow+q] · X[r·XRow+q·XIdx:][:N]
//
// in that order, each element rounded as Axpy rounds it. Every Index is below K, so a runner can
// check the job's extent in its slices without reading the indices (Extent).
type Axpys struct {
	N, Rows, K    int
	Starts, Index []int32
	A             []float32
	ARow          int
	X             []float32
	XRow, XIdx    int
	Y             []float32
	YRow, YIdx    int
}

// Run does the job with Axpy, the reference every accelerated runner must equal to the bit.
func (j *Axpys) Run() {
	for r := range j.Rows {
		for _, q := range j.Index[j.Starts[r]:j.Starts[r+1]] {
			p := int(q)
			xo, yo := r*j.XRow+p*j.XIdx, r*j.YRow+p*j.YIdx
			Axpy(j.A[r*j.ARow+p], j.X[xo:xo+j.N], j.Y[yo:yo+j.N])
		}
	}
}

// InBounds reports whether every element the job may touch lies inside its slices, given that
// every Index is below K: a runner that writes memory directly checks this first.
func (j *Axpys) InBounds() bool {
	if j.Rows <= 0 || j.N <= 0 || j.K <= 0 || len(j.Starts) < j.Rows+1 || j.ARow < 0 || j.XRow < 0 || j.XIdx < 0 || j.YRow < 0 || j.YIdx < 0 {
		return false
	}
	last, k := j.Rows-1, j.K-1
	return int(j.Starts[j.Rows]) <= len(j.Index) &&
		last*j.ARow+k < len(j.A) &&
		last*j.XRow+k*j.XIdx+j.N <= len(j.X) &&
		last*j.YRow+k*j.YIdx+j.N <= len(j.Y)
}

// Accelerator runs linalg's hottest loops faster than Go's compiler can write them for some
// platform, giving exactly the bits of Go's loops.
type Accelerator interface {
	// Axpys does what j.Run does.
	Axpys(j *Axpys)
	// Add does y[:len(x)] += x, as Add does.
	Add(x, y []float32)
}

// accelerated is the platform's Accelerator, or nil for Go's loops.
var accelerated Accelerator

// Accelerate has MulAdd, MulTransAAdd and Add hand their large work to a (nil goes back to Go's
// loops). It is meant to be called once, before any product runs.
func Accelerate(a Accelerator) { accelerated = a }

// minAcceleratedAdd is the length from which Add goes to the Accelerator: the tree sums of a
// team's gradients, not the bias rows.
const minAcceleratedAdd = 1 << 12

// minAcceleratedWork is the number of multiply-adds below which a product stays in Go: a runner
// is reached through a call that costs microseconds (syscall/js), and the lab's small layers
// would pay more for it than they save.
const minAcceleratedWork = 1 << 16

// axpysChunk bounds the indices one job holds (256 KB of them): a convolution's product has
// tens of thousands of rows, done as several jobs in order.
const axpysChunk = 1 << 16

var axpysScratch = sync.Pool{New: func() any { return &[2][]int32{} }}

// acceleratedMulAdd is MulAdd's rows [lo, hi) as Axpys jobs: for a row of c, the rows of b
// scaled by the row of a's nonzero entries, in order.
func acceleratedMulAdd(run Accelerator, c, a, b []float32, lo, hi, k, n int) {
	acceleratedRows(run, lo, hi, k, func(r int, idx []int32) []int32 {
		return nonzeroIndices(a[r*k:r*k+k], idx)
	}, func(r0, rows int) Axpys {
		return Axpys{N: n, Rows: rows, K: k, A: a[r0*k:], ARow: k, X: b, XIdx: n, Y: c[r0*n:], YRow: n}
	})
}

// acceleratedMulTransAAdd is MulTransAAdd's rows [lo, hi) of c as Axpys jobs: each row of b,
// scaled by the row of a's nonzero entries in [lo, hi), added to those rows of c; the batch's
// rows in order.
func acceleratedMulTransAAdd(run Accelerator, c, a, b []float32, m, k, n, lo, hi int) {
	acceleratedRows(run, 0, m, hi-lo, func(r int, idx []int32) []int32 {
		return nonzeroIndices(a[r*k+lo:r*k+hi], idx)
	}, func(r0, rows int) Axpys {
		return Axpys{N: n, Rows: rows, K: hi - lo, A: a[r0*k+lo:], ARow: k, X: b[r0*n:], XRow: n, Y: c[lo*n:], YIdx: n}
	})
}

// acceleratedRows builds the jobs for rows [lo, hi), each row's indices found by nonzero (at
// most width of them), a chunk of rows at a time, and runs them in order.
func acceleratedRows(run Accelerator, lo, hi, width int, nonzero func(r int, idx []int32) []int32, job func(r0, rows int) Axpys) {
	per := max(1, axpysChunk/max(width, 1))
	buf := axpysScratch.Get().(*[2][]int32)
	defer axpysScratch.Put(buf)
	starts, index := buf[0], buf[1]
	for r0 := lo; r0 < hi; r0 += per {
		r1 := min(r0+per, hi)
		starts, index = append(starts[:0], 0), index[:0]
		for r := r0; r < r1; r++ {
			index = nonzero(r, index)
			starts = append(starts, int32(len(index)))
		}
		if len(index) == 0 {
			continue
		}
		j := job(r0, r1-r0)
		j.Starts, j.Index = starts, index
		run.Axpys(&j)
	}
	buf[0], buf[1] = starts, index
}

package linalg

// Axpys is many Axpy calls of one length, the inner work of MulAdd and MulTransAAdd, described so
// that a platform with a faster loop than Go gives it (WebAssembly SIMD in the page's worker, which
// Go's compiler does not emit) can run a whole product in one call. For each row r < Rows, and
// each q < K whose coefficient a = A[r·ARow+q] is not 0:
//
//	Y[r·YRow+q·YIdx:][:N] += a · X[r·XRow+q·XIdx:][:N]
//
// in that order, each element rounded as Axpy rounds it.
type Axpys struct {
	N, Rows, K int
	A          []float32
	ARow       int
	X          []float32
	XRow, XIdx int
	Y          []float32
	YRow, YIdx int
}

// Run does the job with Axpy, the reference every accelerated runner must equal to the bit.
func (j *Axpys) Run() {
	for r := range j.Rows {
		for q, a := range j.A[r*j.ARow : r*j.ARow+j.K] {
			if a != 0 {
				xo, yo := r*j.XRow+q*j.XIdx, r*j.YRow+q*j.YIdx
				Axpy(a, j.X[xo:xo+j.N], j.Y[yo:yo+j.N])
			}
		}
	}
}

// InBounds reports whether every element the job may touch lies inside its slices: a runner that
// writes memory directly checks this first.
func (j *Axpys) InBounds() bool {
	if j.Rows <= 0 || j.N <= 0 || j.K <= 0 || j.ARow < 0 || j.XRow < 0 || j.XIdx < 0 || j.YRow < 0 || j.YIdx < 0 {
		return false
	}
	last, k := j.Rows-1, j.K-1
	return last*j.ARow+k < len(j.A) &&
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

// acceleratedMulAdd is MulAdd's rows [lo, hi) as one job: for a row of c, the rows of b scaled by
// the row of a's nonzero entries, in order.
func acceleratedMulAdd(run Accelerator, c, a, b []float32, lo, hi, k, n int) {
	run.Axpys(&Axpys{N: n, Rows: hi - lo, K: k, A: a[lo*k:], ARow: k, X: b, XIdx: n, Y: c[lo*n:], YRow: n})
}

// acceleratedMulTransAAdd is MulTransAAdd's rows [lo, hi) of c as one job: each row of b, scaled
// by the row of a's nonzero entries in [lo, hi), added to those rows of c; the batch's rows in
// order.
func acceleratedMulTransAAdd(run Accelerator, c, a, b []float32, m, k, n, lo, hi int) {
	run.Axpys(&Axpys{N: n, Rows: m, K: hi - lo, A: a[lo:], ARow: k, X: b, XRow: n, Y: c[lo*n:], YIdx: n})
}

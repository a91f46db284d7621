// Package linalg holds the dense float32 loops that every network in Somehow spends its time in:
// matrix products over whole minibatches, written so the Go compiler drops the bounds checks in
// the inner loops and so zero inputs (most MNIST pixels) cost nothing.
//
// Matrices are row-major slices. Shapes are the caller's promise: a slice shorter than its shape
// says is a programmer error and panics, like indexing would.
//
// The float32(...) conversions around products are there to forbid fused multiply-add, which the
// Go compiler may use on some CPUs (arm64) but not others (amd64, wasm): with them every platform
// rounds the same way.
//
// Every product splits its work by output rows only, so each output element is summed in the same
// order whatever the number of workers: results are bit-identical with 1 or N goroutines, natively
// and in js/wasm.
package linalg

import (
	"slices"
	"sync"
)

// smallRow is the row length below which MulAdd loops inline rather than call Axpy:
// the playground's layers have 1 to 16 neurons, and in WebAssembly a call per row costs
// more than its arithmetic. Both paths round identically.
const smallRow = 16

// minParallelWork is the number of multiply-adds below which a product runs on one goroutine:
// smaller products finish before a goroutine would be scheduled.
const minParallelWork = 1 << 15

// Axpy adds a*x to y element by element: y[i] += a*x[i] for i < len(x). len(y) must be >= len(x).
func Axpy(a float32, x, y []float32) {
	y = y[:len(x)]
	// Sixteen, then eight at a time on re-sliced windows: the compiler proves every index in
	// range and the loop runs about 3x faster than the plain one (BenchmarkFirstLayer); sixteen
	// is 10% faster again in WebAssembly.
	for len(x) >= 16 {
		xs, ys := (*[16]float32)(x[:16]), (*[16]float32)(y[:16])
		ys[0] += float32(a * xs[0])
		ys[1] += float32(a * xs[1])
		ys[2] += float32(a * xs[2])
		ys[3] += float32(a * xs[3])
		ys[4] += float32(a * xs[4])
		ys[5] += float32(a * xs[5])
		ys[6] += float32(a * xs[6])
		ys[7] += float32(a * xs[7])
		ys[8] += float32(a * xs[8])
		ys[9] += float32(a * xs[9])
		ys[10] += float32(a * xs[10])
		ys[11] += float32(a * xs[11])
		ys[12] += float32(a * xs[12])
		ys[13] += float32(a * xs[13])
		ys[14] += float32(a * xs[14])
		ys[15] += float32(a * xs[15])
		x, y = x[16:], y[16:]
	}
	for len(x) >= 8 {
		xs, ys := x[:8:8], y[:8:8]
		ys[0] += float32(a * xs[0])
		ys[1] += float32(a * xs[1])
		ys[2] += float32(a * xs[2])
		ys[3] += float32(a * xs[3])
		ys[4] += float32(a * xs[4])
		ys[5] += float32(a * xs[5])
		ys[6] += float32(a * xs[6])
		ys[7] += float32(a * xs[7])
		x, y = x[8:], y[8:]
	}
	for i, v := range x {
		y[i] += float32(a * v)
	}
}

// nonzeroIndices appends to idx the indices of x's entries that are not zero, in order, testing
// eight at a time: MNIST's rows are mostly runs of zeros, and in WebAssembly a loop's every turn
// costs more than the test (scanning a 784-pixel row one entry at a time took 4.7 µs). Within a
// window that has a nonzero entry, each index is written and kept only if its entry is nonzero:
// no inner loop and no append (the window's loop had cost as much as the products it fed).
func nonzeroIndices(x []float32, idx []int32) []int32 {
	n := len(idx)
	out := slices.Grow(idx, len(x))[:n+len(x)]
	i := 0
	for ; i+8 <= len(x); i += 8 {
		w := (*[8]float32)(x[i : i+8])
		if w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0 {
			continue
		}
		o := (*[8]int32)(out[n : n+8]) // n ≤ len(idx)+i, so the window fits
		o[0] = int32(i)
		k := 0
		if w[0] != 0 {
			k++
		}
		o[k] = int32(i + 1)
		if w[1] != 0 {
			k++
		}
		o[k&7] = int32(i + 2)
		if w[2] != 0 {
			k++
		}
		o[k&7] = int32(i + 3)
		if w[3] != 0 {
			k++
		}
		o[k&7] = int32(i + 4)
		if w[4] != 0 {
			k++
		}
		o[k&7] = int32(i + 5)
		if w[5] != 0 {
			k++
		}
		o[k&7] = int32(i + 6)
		if w[6] != 0 {
			k++
		}
		o[k&7] = int32(i + 7)
		if w[7] != 0 {
			k++
		}
		n += k
	}
	out = out[:n]
	for ; i < len(x); i++ {
		if x[i] != 0 {
			out = append(out, int32(i))
		}
	}
	return out
}

// Add computes y += x, eight at a time like Axpy: in WebAssembly the plain loop took 6 ns an
// element, this one 0.6.
func Add(x, y []float32) {
	y = y[:len(x)]
	if a := accelerated; a != nil && len(x) >= minAcceleratedAdd {
		a.Add(x, y)
		return
	}
	for len(x) >= 8 {
		xs, ys := x[:8:8], y[:8:8]
		ys[0] += xs[0]
		ys[1] += xs[1]
		ys[2] += xs[2]
		ys[3] += xs[3]
		ys[4] += xs[4]
		ys[5] += xs[5]
		ys[6] += xs[6]
		ys[7] += xs[7]
		x, y = x[8:], y[8:]
	}
	for i, v := range x {
		y[i] += v
	}
}

// Dot returns the sum of x[i]*y[i] for i < len(x). len(y) must be >= len(x).
//
// Four partial sums break the add dependency chain; the fixed order keeps results reproducible.
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs := x[i : i+4 : i+4]
		ys := y[i : i+4 : i+4]
		s0 += float32(xs[0] * ys[0])
		s1 += float32(xs[1] * ys[1])
		s2 += float32(xs[2] * ys[2])
		s3 += float32(xs[3] * ys[3])
	}
	for ; i < len(x); i++ {
		s0 += float32(x[i] * y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// MulAdd computes c += a·b where a is m×k, b is k×n and c is m×n.
//
// Zero entries of a are skipped, which makes the first layer of an MNIST network about five times
// cheaper (81% of its pixels are 0).
func MulAdd(c, a, b []float32, m, k, n int, workers int) {
	_ = a[:m*k]
	_ = b[:k*n]
	_ = c[:m*n]
	if run := accelerated; run != nil && n >= 8 && m*k*n >= minAcceleratedWork {
		parallelRows(m, m*k*n, workers, func(lo, hi int) { acceleratedMulAdd(run, c, a, b, lo, hi, k, n) })
		return
	}
	parallelRows(m, m*k*n, workers, func(lo, hi int) {
		var idx []int32
		if n >= smallRow || n == 8 {
			idx = make([]int32, 0, k)
		}
		for r := lo; r < hi; r++ {
			crow := c[r*n : r*n+n : r*n+n]
			arow := a[r*k : r*k+k : r*k+k]
			if n == 16 {
				axpyRows16(arow, nonzeroIndices(arow, idx[:0]), b, (*[16]float32)(crow))
				continue
			}
			if n >= smallRow {
				idx = nonzeroIndices(arow, idx[:0])
				for _, q := range idx {
					p := int(q)
					Axpy(arow[p], b[p*n:p*n+n:p*n+n], crow)
				}
				continue
			}
			if n == 8 {
				axpyRows8(arow, nonzeroIndices(arow, idx[:0]), b, (*[8]float32)(crow))
				continue
			}
			axpyRowsNarrow(arow, b, crow)
		}
	})
}

// axpyRowsNarrow is axpyRows8 for any other row shorter than smallRow: four columns at a time
// (one bounds check for four), then the rest; each column summed in the same order as Axpy.
// In WebAssembly a 12-wide layer ran 4× slower per multiply-add than an 8- or 16-wide one
// before this.
func axpyRowsNarrow(arow, b, crow []float32) {
	n := len(crow)
	b = b[:len(arow)*n]
	for p, av := range arow {
		if av == 0 {
			continue
		}
		brow := b[p*n : p*n+n : p*n+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			c := (*[4]float32)(crow[j : j+4])
			w := (*[4]float32)(brow[j : j+4])
			c[0] += float32(av * w[0])
			c[1] += float32(av * w[1])
			c[2] += float32(av * w[2])
			c[3] += float32(av * w[3])
		}
		for ; j < n; j++ {
			crow[j] += float32(av * brow[j])
		}
	}
}

// axpyRows16 is axpyRows8 for 16 columns, in the same order as Axpy.
func axpyRows16(arow []float32, nonzero []int32, b []float32, c *[16]float32) {
	b = b[:len(arow)*16]
	for _, q := range nonzero {
		p := int(q)
		av := arow[p]
		w := (*[16]float32)(b[p*16 : p*16+16])
		c[0] += float32(av * w[0])
		c[1] += float32(av * w[1])
		c[2] += float32(av * w[2])
		c[3] += float32(av * w[3])
		c[4] += float32(av * w[4])
		c[5] += float32(av * w[5])
		c[6] += float32(av * w[6])
		c[7] += float32(av * w[7])
		c[8] += float32(av * w[8])
		c[9] += float32(av * w[9])
		c[10] += float32(av * w[10])
		c[11] += float32(av * w[11])
		c[12] += float32(av * w[12])
		c[13] += float32(av * w[13])
		c[14] += float32(av * w[14])
		c[15] += float32(av * w[15])
	}
}

// axpyRows8 is MulAdd's inner loop for 8 columns, unrolled: a convolution with 8 filters runs it
// once per output pixel, over the window's nonzero entries (their indices, in order). It adds in
// the same order as the general loop.
func axpyRows8(arow []float32, nonzero []int32, b []float32, c *[8]float32) {
	b = b[:len(arow)*8]
	for _, q := range nonzero {
		p := int(q)
		av := arow[p]
		w := (*[8]float32)(b[p*8 : p*8+8])
		c[0] += float32(av * w[0])
		c[1] += float32(av * w[1])
		c[2] += float32(av * w[2])
		c[3] += float32(av * w[3])
		c[4] += float32(av * w[4])
		c[5] += float32(av * w[5])
		c[6] += float32(av * w[6])
		c[7] += float32(av * w[7])
	}
}

// MulTransAAdd computes c += aᵀ·b where a is m×k, b is m×n and c is k×n.
//
// This is a layer's weight gradient (inputsᵀ · weighted-sum gradients). Zero entries of a are
// skipped. Work is split over the k rows of c, each summed over m in order.
func MulTransAAdd(c, a, b []float32, m, k, n int, workers int) {
	_ = a[:m*k]
	_ = b[:m*n]
	_ = c[:k*n]
	if run := accelerated; run != nil && n >= 8 && m*k*n >= minAcceleratedWork {
		parallelRows(k, m*k*n, workers, func(lo, hi int) { acceleratedMulTransAAdd(run, c, a, b, m, k, n, lo, hi) })
		return
	}
	parallelRows(k, m*k*n, workers, func(lo, hi int) {
		idx := make([]int32, 0, hi-lo)
		for r := 0; r < m; r++ {
			arow := a[r*k+lo : r*k+hi : r*k+hi]
			brow := b[r*n : r*n+n : r*n+n]
			idx = nonzeroIndices(arow, idx[:0])
			for _, q := range idx {
				p := lo + int(q)
				Axpy(arow[q], brow, c[p*n:p*n+n:p*n+n])
			}
		}
	})
}

// MulTransB computes c = a·bᵀ where a is m×n, b is k×n and c is m×k.
//
// This is the gradient a layer passes back to its inputs (weighted-sum gradients · weightsᵀ), with
// weights stored inputs×outputs.
func MulTransB(c, a, b []float32, m, n, k int, workers int) {
	_ = a[:m*n]
	_ = b[:k*n]
	_ = c[:m*k]
	parallelRows(m, m*k*n, workers, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			arow := a[r*n : r*n+n : r*n+n]
			crow := c[r*k : r*k+k : r*k+k]
			for p := range crow {
				crow[p] = Dot(arow, b[p*n:p*n+n:p*n+n])
			}
		}
	})
}

// parallelRows calls body over [0, rows) split into contiguous ranges, one per worker, and
// returns when all are done. Small work runs inline.
func parallelRows(rows, work, workers int, body func(lo, hi int)) {
	if workers > rows {
		workers = rows
	}
	if workers <= 1 || work < minParallelWork {
		body(0, rows)
		return
	}
	var wg sync.WaitGroup
	per := (rows + workers - 1) / workers
	for lo := 0; lo < rows; lo += per {
		hi := min(lo+per, rows)
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	wg.Wait()
}

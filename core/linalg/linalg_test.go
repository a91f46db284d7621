package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

func randMat(rng *rand.Rand, n int, zeroFrac float64) []float32 {
	m := make([]float32, n)
	for i := range m {
		if rng.Float64() >= zeroFrac {
			m[i] = float32(rng.NormFloat64())
		}
	}
	return m
}

// naive products, the reference.
func naiveMul(a, b []float32, m, k, n int, transA, transB bool) []float32 {
	c := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				av := a[i*k+p]
				if transA {
					av = a[p*m+i]
				}
				bv := b[p*n+j]
				if transB {
					bv = b[j*k+p]
				}
				s += float64(av) * float64(bv)
			}
			c[i*n+j] = float32(s)
		}
	}
	return c
}

func close(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-4*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s: element %d is %v, want %v", name, i, got[i], want[i])
		}
	}
}

func TestProductsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {64, 784, 16}, {17, 33, 129}, {128, 300, 10}} {
		m, k, n := s[0], s[1], s[2]
		for _, workers := range []int{1, 3} {
			name := fmt.Sprintf("%dx%dx%d/%d", m, k, n, workers)
			a := randMat(rng, m*k, 0.8)
			b := randMat(rng, k*n, 0)
			c := make([]float32, m*n)
			MulAdd(c, a, b, m, k, n, workers)
			close(t, name+" MulAdd", c, naiveMul(a, b, m, k, n, false, false))

			// aᵀ·g with a m×k and g m×n gives k×n.
			g := randMat(rng, m*n, 0)
			ct := make([]float32, k*n)
			MulTransAAdd(ct, a, g, m, k, n, workers)
			close(t, name+" MulTransAAdd", ct, naiveMul(a, g, k, m, n, true, false))

			// g·bᵀ with g m×n and b k×n gives m×k.
			cb := make([]float32, m*k)
			MulTransB(cb, g, b, m, n, k, workers)
			close(t, name+" MulTransB", cb, naiveMul(g, b, m, n, k, false, true))
		}
	}
}

// BenchmarkFirstLayer times the first layer of 784-128-10 on a batch of 64 MNIST-like inputs
// (81% zeros): forward, then weight gradient.
func BenchmarkFirstLayer(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randMat(rng, 64*784, 0.81)
	w := randMat(rng, 784*128, 0)
	g := randMat(rng, 64*128, 0)
	out := make([]float32, 64*128)
	gw := make([]float32, 784*128)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("forward/workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				MulAdd(out, x, w, 64, 784, 128, workers)
			}
		})
		b.Run(fmt.Sprintf("weightgrad/workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				MulTransAAdd(gw, x, g, 64, 784, 128, workers)
			}
		})
	}
}

func BenchmarkMulTransB(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := randMat(rng, 64*10, 0)
	w := randMat(rng, 128*10, 0)
	out := make([]float32, 64*128)
	for b.Loop() {
		MulTransB(out, g, w, 64, 10, 128, 1)
	}
}

// BenchmarkLabLayer times a hidden layer of the lab's networks over a 50×50 heatmap grid: the
// product the page's boundary pays for on every frame, at the widths the lab offers.
func BenchmarkLabLayer(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const m = 2500
	for _, n := range []int{4, 6, 8, 12, 16} {
		x := randMat(rng, m*n, 0)
		w := randMat(rng, n*n, 0)
		out := make([]float32, m*n)
		b.Run(fmt.Sprintf("width=%d", n), func(b *testing.B) {
			for b.Loop() {
				MulAdd(out, x, w, m, n, n, 1)
			}
		})
	}
}

// Every row width sums each column in the same order as Axpy, to the bit: the lab's widths (1 to
// 16) take unrolled paths, and a network must train to the same numbers whichever path it takes.
func TestEveryWidthSumsInAxpyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const m, k = 7, 13
	for n := 1; n <= 20; n++ {
		a := randMat(rng, m*k, 0.3)
		b := randMat(rng, k*n, 0)
		got := randMat(rng, m*n, 0)
		want := append([]float32(nil), got...)
		MulAdd(got, a, b, m, k, n, 1)
		for r := range m {
			for p := range k {
				if av := a[r*k+p]; av != 0 {
					Axpy(av, b[p*n:p*n+n], want[r*n:r*n+n])
				}
			}
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("width %d, entry %d: %v, Axpy's order gives %v", n, i, got[i], want[i])
			}
		}
	}
}

// The wide products go column by column of a, yet each output still sums in Axpy's order: MulAdd
// a row of c over p ascending, MulTransAAdd a row of c over the batch's rows ascending, to the
// bit, with one goroutine or several.
func TestWideProductsSumInAxpyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, s := range [][3]int{{64, 784, 128}, {16, 200, 17}, {5, 9, 40}} {
		m, k, n := s[0], s[1], s[2]
		a := randMat(rng, m*k, 0.8)
		b := randMat(rng, k*n, 0)
		g := randMat(rng, m*n, 0)
		want := randMat(rng, m*n, 0)
		wantT := randMat(rng, k*n, 0)
		startC, startT := append([]float32(nil), want...), append([]float32(nil), wantT...)
		for r := range m {
			for p := range k {
				if av := a[r*k+p]; av != 0 {
					Axpy(av, b[p*n:p*n+n], want[r*n:r*n+n])
					Axpy(av, g[r*n:r*n+n], wantT[p*n:p*n+n])
				}
			}
		}
		for _, workers := range []int{1, 3} {
			got := append([]float32(nil), startC...)
			MulAdd(got, a, b, m, k, n, workers)
			gotT := append([]float32(nil), startT...)
			MulTransAAdd(gotT, a, g, m, k, n, workers)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v, %d workers: MulAdd entry %d is %v, Axpy's order gives %v", s, workers, i, got[i], want[i])
				}
			}
			for i := range wantT {
				if math.Float32bits(gotT[i]) != math.Float32bits(wantT[i]) {
					t.Fatalf("%v, %d workers: MulTransAAdd entry %d is %v, Axpy's order gives %v", s, workers, i, gotT[i], wantT[i])
				}
			}
		}
	}
}

// goAccelerator runs the jobs with Go's loops, counting them and checking each stays inside its
// slices, as a platform's accelerator must.
type goAccelerator struct {
	t    *testing.T
	mu   sync.Mutex
	jobs *int
	adds int
}

func (g *goAccelerator) Axpys(j *Axpys) {
	if !j.InBounds() {
		g.t.Errorf("a job reaches outside its slices: %+v", *j)
		return
	}
	g.mu.Lock()
	*g.jobs++
	g.mu.Unlock()
	j.Run()
}

func (g *goAccelerator) Add(x, y []float32) {
	g.adds++
	for i, v := range x {
		y[i] += v
	}
}

// The products described as Axpys jobs (as a platform's faster runner gets them) give the bits of
// Go's own loops: MulAdd and MulTransAAdd at an MLP's and a convolution's shapes, with one
// goroutine or several, and every job inside its slices.
func TestAcceleratedProductsGiveGoLoopsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	jobs := 0
	defer Accelerate(nil)
	for _, s := range [][3]int{{64, 784, 128}, {5000, 25, 8}, {300, 200, 16}, {40, 130, 25}} {
		m, k, n := s[0], s[1], s[2]
		a := randMat(rng, m*k, 0.8)
		b := randMat(rng, k*n, 0)
		g := randMat(rng, m*n, 0)
		startC, startT := randMat(rng, m*n, 0), randMat(rng, k*n, 0)
		for _, workers := range []int{1, 3} {
			Accelerate(nil)
			want, wantT := append([]float32(nil), startC...), append([]float32(nil), startT...)
			MulAdd(want, a, b, m, k, n, workers)
			MulTransAAdd(wantT, a, g, m, k, n, workers)
			Accelerate(&goAccelerator{t: t, jobs: &jobs})
			got, gotT := append([]float32(nil), startC...), append([]float32(nil), startT...)
			MulAdd(got, a, b, m, k, n, workers)
			MulTransAAdd(gotT, a, g, m, k, n, workers)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v, %d workers: MulAdd entry %d is %v through jobs, %v in Go's loops", s, workers, i, got[i], want[i])
				}
			}
			for i := range wantT {
				if math.Float32bits(gotT[i]) != math.Float32bits(wantT[i]) {
					t.Fatalf("%v, %d workers: MulTransAAdd entry %d is %v through jobs, %v in Go's loops", s, workers, i, gotT[i], wantT[i])
				}
			}
		}
	}
	if jobs < 12 {
		t.Fatalf("only %d jobs ran: the products did not go through the runner", jobs)
	}
	// Long sums go to the accelerator, short ones (bias rows) stay in Go.
	g := &goAccelerator{t: t, jobs: &jobs}
	Accelerate(g)
	Add(make([]float32, 100), make([]float32, 100))
	Add(make([]float32, 1<<14), make([]float32, 1<<14))
	if g.adds != 1 {
		t.Fatalf("%d of two sums went to the accelerator, want the long one", g.adds)
	}
}

package linalg

// Sparse keeps the non-zero entries of each row of an m×k matrix (a layer's batch of inputs) for
// the weight gradient, where walking the gradient's rows in blocks keeps them in cache and zero
// inputs (81% of MNIST's pixels, about half of a ReLU layer's outputs) cost nothing.
type Sparse struct {
	Rows, Cols int
	count      []int32   // non-zero entries in each row
	index      []int32   // row r's column indices at [r*Cols, r*Cols+count[r]), ascending
	value      []float32 // and their values
}

// Reset records the non-zero entries of the m×k matrix a, row by row.
func (s *Sparse) Reset(a []float32, m, k, workers int) {
	_ = a[:m*k]
	s.Rows, s.Cols = m, k
	if cap(s.index) < m*k {
		s.index = make([]int32, m*k)
		s.value = make([]float32, m*k)
	}
	if cap(s.count) < m {
		s.count = make([]int32, m)
	}
	s.index, s.value, s.count = s.index[:m*k], s.value[:m*k], s.count[:m]
	parallelRows(m, m*k, workers, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			idx := s.index[r*k : r*k+k : r*k+k]
			val := s.value[r*k : r*k+k : r*k+k]
			nz := 0
			for p, v := range a[r*k : r*k+k : r*k+k] {
				if v != 0 {
					idx[nz], val[nz] = int32(p), v
					nz++
				}
			}
			s.count[r] = int32(nz)
		}
	})
}

// MulTransA computes c = aᵀ·g for the a last given to Reset, where g is m×n and c is k×n: a
// layer's weight gradient. Each c[p][j] is summed over r in order. Workers split the k rows of
// c; within a worker, c is walked in blocks small enough to stay in cache while every row of the
// batch adds its share.
func (s *Sparse) MulTransA(c, g []float32, n, workers int) {
	m, k := s.Rows, s.Cols
	_ = g[:m*n]
	_ = c[:k*n]
	clear(c[:k*n])
	nnz := 0
	for _, v := range s.count {
		nnz += int(v)
	}
	// Block height: about 16 KB of c.
	block := max(1, 4096/max(n, 1))
	parallelRows(k, nnz*n, workers, func(lo, hi int) {
		cursor := make([]int32, m) // per row: first entry not yet used in this worker's range
		for r := range m {
			idx := s.index[r*k : r*k+int(s.count[r])]
			// Skip entries left of lo (binary search: rows are ascending).
			a, b := 0, len(idx)
			for a < b {
				h := (a + b) / 2
				if int(idx[h]) < lo {
					a = h + 1
				} else {
					b = h
				}
			}
			cursor[r] = int32(a)
		}
		for b0 := lo; b0 < hi; b0 += block {
			b1 := min(b0+block, hi)
			for r := range m {
				base := r * k
				i, end := int(cursor[r]), int(s.count[r])
				grow := g[r*n : r*n+n : r*n+n]
				for ; i < end; i++ {
					p := int(s.index[base+i])
					if p >= b1 {
						break
					}
					Axpy(s.value[base+i], grow, c[p*n:p*n+n:p*n+n])
				}
				cursor[r] = int32(i)
			}
		}
	})
}

package nn

import (
	"fmt"
	"math"
	"somehow/core/mathf"
	"strings"
)

// Loss measures how far a network's outputs are from the targets; training makes it smaller.
type Loss int

const (
	// MSE is the paper's mean squared error, halved for a cleaner derivative:
	// C = 1/(2n) Σ (y_i - ŷ_i)² over the n outputs, averaged over the batch.
	MSE Loss = iota
	// CrossEntropy is -Σ ŷ_i log y_i after a softmax output, or the per-output binary
	// cross-entropy after a sigmoid output. Either way it is computed from the weighted sums
	// (never log(0)) and its gradient with respect to them is simply (y - ŷ).
	CrossEntropy
)

var lossNames = [...]string{"mse", "crossentropy"}

// String returns the loss's lower-case name.
func (l Loss) String() string {
	if l < 0 || int(l) >= len(lossNames) {
		return fmt.Sprintf("Loss(%d)", int(l))
	}
	return lossNames[l]
}

// ParseLoss reads a loss name: "mse", "crossentropy" (or "ce", "cross-entropy").
func ParseLoss(name string) (Loss, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "mse":
		return MSE, nil
	case "crossentropy", "cross-entropy", "ce", "xent":
		return CrossEntropy, nil
	}
	return 0, fmt.Errorf("unknown loss %q: use mse or crossentropy", name)
}

// MarshalText writes the loss's name.
func (l Loss) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a loss's name.
func (l *Loss) UnmarshalText(b []byte) error {
	v, err := ParseLoss(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// checkOutput says whether this loss can follow an output layer with activation out.
func (l Loss) checkOutput(out Activation) error {
	if l == CrossEntropy && out != Softmax && out != Sigmoid {
		return fmt.Errorf("cross-entropy needs a softmax or sigmoid output layer, not %s", out)
	}
	if l == MSE && out == Step {
		return fmt.Errorf("a step output cannot be trained by gradient descent (its derivative is 0); use sigmoid, or the perceptron")
	}
	return nil
}

// Value returns the loss averaged over a rows×cols batch with weighted sums s, outputs y
// (= out(s)) and targets t.
func (l Loss) Value(out Activation, s, y, t []float32, rows, cols int) float64 {
	n := rows * cols
	s, y, t = s[:n], y[:n], t[:n]
	var total float64
	switch {
	case l == MSE:
		for i := range y {
			d := float64(y[i] - t[i])
			total += d * d
		}
		total /= 2 * float64(cols)
	case out == Softmax:
		for r := 0; r < rows; r++ {
			sr, tr := s[r*cols:(r+1)*cols], t[r*cols:(r+1)*cols]
			top := sr[0]
			for _, v := range sr {
				top = max(top, v)
			}
			var sum float64
			for _, v := range sr {
				sum += mathf.Exp(float64(v - top))
			}
			lse := float64(top) + mathf.Log(sum)
			for j, tv := range tr {
				if tv != 0 {
					total += float64(tv) * (lse - float64(sr[j]))
				}
			}
		}
	default: // sigmoid outputs: -[t log σ(s) + (1-t) log(1-σ(s))]
		for i, v := range s {
			total += float64(t[i])*softplus(-float64(v)) + float64(1-t[i])*softplus(float64(v))
		}
	}
	return total / float64(rows)
}

// softplus is log(1 + e**x), computed without overflow.
func softplus(x float64) float64 {
	return math.Max(x, 0) + mathf.Log(1+mathf.Exp(-math.Abs(x)))
}

// fused reports whether the gradient with respect to the weighted sums is (y - t)/rows, skipping
// the activation's own derivative (cross-entropy after softmax or sigmoid).
func (l Loss) fused(out Activation) bool {
	return l == CrossEntropy && (out == Softmax || out == Sigmoid)
}

// outputGradient writes ∂C/∂y for rows rows into dy (or ∂C/∂s when fused), where C is the mean
// over meanOver rows (rows itself, or a whole batch of which these are a shard).
func (l Loss) outputGradient(out Activation, y, t, dy []float32, rows, meanOver, cols int) {
	n := rows * cols
	y, t, dy = y[:n], t[:n], dy[:n]
	scale := float32(1) / float32(meanOver)
	if !l.fused(out) {
		scale /= float32(cols) // MSE: d/dy of 1/(2n)(y-t)² is (y-t)/n
	}
	for i := range y {
		dy[i] = (y[i] - t[i]) * scale
	}
}

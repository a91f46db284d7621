package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"somehow/core/mathf"
)

// InitKind names a way to choose a network's starting weights.
type InitKind int

const (
	// Constant gives every weight the same value: the paper's warning, since equal weights get
	// equal gradients and so stay equal forever.
	Constant InitKind = iota
	// Uniform draws weights evenly from [-Scale, Scale].
	Uniform
	// Xavier (Glorot) draws from a normal distribution with variance 2/(inputs+outputs).
	Xavier
	// He draws from a normal distribution with variance 2/inputs, made for ReLU layers.
	He
)

var initNames = [...]string{"constant", "uniform", "xavier", "he"}

// String returns the initialiser's lower-case name.
func (k InitKind) String() string {
	if k < 0 || int(k) >= len(initNames) {
		return fmt.Sprintf("InitKind(%d)", int(k))
	}
	return initNames[k]
}

// MarshalText writes the initialiser's name.
func (k InitKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads an initialiser's name.
func (k *InitKind) UnmarshalText(b []byte) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	if s == "glorot" {
		s = "xavier"
	}
	for i, n := range initNames {
		if n == s {
			*k = InitKind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown initialisation %q: use one of %s", string(b), strings.Join(initNames[:], ", "))
}

// Init chooses starting weights. Biases always start at 0.
type Init struct {
	Kind InitKind `json:"kind"`
	// Scale is the value for Constant and the half-width for Uniform; 0 means the default
	// (0.5 and 1). Xavier and He ignore it.
	Scale float32 `json:"scale,omitempty"`
}

// ParseInit reads "he", "xavier", "uniform", "uniform:0.3", "constant" or "constant:0.2".
func ParseInit(s string) (Init, error) {
	name, scale, hasScale := strings.Cut(s, ":")
	var in Init
	if err := in.Kind.UnmarshalText([]byte(name)); err != nil {
		return in, err
	}
	if hasScale {
		var v float64
		if _, err := fmt.Sscan(scale, &v); err != nil {
			return in, fmt.Errorf("initialisation scale %q is not a number", scale)
		}
		in.Scale = float32(v)
	}
	return in, in.Validate()
}

// Validate checks the initialiser.
func (in Init) Validate() error {
	if in.Kind < Constant || in.Kind > He {
		return fmt.Errorf("unknown initialisation %d", int(in.Kind))
	}
	if math.IsNaN(float64(in.Scale)) || math.IsInf(float64(in.Scale), 0) || math.Abs(float64(in.Scale)) > 100 {
		return fmt.Errorf("initialisation scale must be a number between -100 and 100")
	}
	return nil
}

func (in Init) fill(w []float32, inputs, outputs int, rng *rand.Rand) {
	switch in.Kind {
	case Constant:
		v := in.Scale
		if v == 0 {
			v = 0.5
		}
		for i := range w {
			w[i] = v
		}
	case Uniform:
		a := float64(in.Scale)
		if a == 0 {
			a = 1
		}
		for i := range w {
			w[i] = float32((2*rng.Float64() - 1) * a)
		}
	case Xavier:
		std := math.Sqrt(2 / float64(inputs+outputs))
		for i := range w {
			w[i] = float32(std * mathf.Normal(rng))
		}
	case He:
		std := math.Sqrt(2 / float64(inputs))
		for i := range w {
			w[i] = float32(std * mathf.Normal(rng))
		}
	}
}

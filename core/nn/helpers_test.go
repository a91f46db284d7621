package nn

import (
	"math/rand/v2"

	"somehow/core/mathf"
)

func NewTestRand(seed uint64) *rand.Rand { return mathf.NewRand(seed) }

// NewTestRandExported lets the external test package draw test inputs.
var NewTestRandExported = NewTestRand

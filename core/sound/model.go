package sound

import (
	"fmt"

	"somehow/core/nn"
)

// Listens checks that m reads spoken digits as this package hears them: a spectrogram in, ten
// digits out, trained on this Version of the features.
func Listens(m *nn.Model) error {
	if m.Net.Arch.Inputs != Bands*Frames || m.Net.Arch.Outputs() != 10 {
		return fmt.Errorf("that model (%s) does not listen: it needs %d×%d inputs (a spectrogram) and 10 outputs", m.Net.Arch, Bands, Frames)
	}
	if m.Sound != Version {
		return fmt.Errorf("that model was trained on another spectrogram (version %d) than this Somehow makes (version %d): it would misread every word; train it again (make models)", m.Sound, Version)
	}
	return nil
}

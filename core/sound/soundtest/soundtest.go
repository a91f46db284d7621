// Package soundtest helps tests of what listens: a small model of the listening shape.
package soundtest

import (
	"bytes"
	"fmt"

	"somehow/core/nn"
	"somehow/core/sound"
)

// SmallModel is a model file of a fresh, untrained network that takes a spectrogram and gives
// ten outputs: enough to check what travels and what is refused, with no training.
func SmallModel() []byte {
	arch, err := nn.ParseArchitecture(fmt.Sprintf("%dx%d-conv3x3x4-pool2-10", sound.Bands, sound.Frames), nn.ReLU, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		panic(err)
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.He}, 1)
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := nn.Save(&buf, "small", net); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

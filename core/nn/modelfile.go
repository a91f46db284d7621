package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// A model file is:
//
//	magic      8 bytes  "SOMEHOW\n"
//	version    uint32   little-endian: 1, or 2 for a network with an image part or an input option
//	headerLen  uint32   length of the JSON header, at most MaxHeaderBytes
//	header     JSON     {"name": ..., "architecture": {...}, "deskew": true?, "testError": 1.76?}
//	weights    float32s little-endian: Network.Params in order (each convolution's weights and
//	                    biases, then each dense layer's Weights (inputs×units) then its Biases)
//	checksum   uint32   CRC-32 (IEEE) of everything before it
//
// Version 1 files (dense layers only) are still written for such networks, bit for bit as before.
//
// Load reads at most MaxModelBytes and checks the stated architecture against the bytes actually
// present before allocating anything for weights, so a forged header cannot ask for memory the
// file does not back.

// ModelVersion is the newest model-file format version (Save writes 1 where it suffices).
const ModelVersion = 2

// Model-file limits.
const (
	MaxHeaderBytes = 64 << 10
	MaxModelBytes  = 4*MaxParameters + MaxHeaderBytes + 64
)

var modelMagic = [8]byte{'S', 'O', 'M', 'E', 'H', 'O', 'W', '\n'}

// Model is a network with a name, as stored in a model file.
type Model struct {
	Name string
	Net  *Network
	// Deskew says the network was trained on deskewed images: what it reads must be too.
	Deskew bool
	// TestError is the error rate (percent) measured on the test set when it was trained, if
	// known (0: not recorded), so a page can compare models without scoring them again.
	TestError float64
}

type modelHeader struct {
	Name         string       `json:"name"`
	Architecture Architecture `json:"architecture"`
	Deskew       bool         `json:"deskew,omitempty"`
	TestError    float64      `json:"testError,omitempty"`
}

// Save writes the network to w in the model-file format.
func Save(w io.Writer, name string, net *Network) error {
	return SaveModel(w, &Model{Name: name, Net: net})
}

// SaveModel writes m as a model file, with its input options.
func SaveModel(w io.Writer, m *Model) error {
	net := m.Net
	hdr, err := json.Marshal(modelHeader{Name: m.Name, Architecture: net.Arch, Deskew: m.Deskew, TestError: m.TestError})
	if err != nil {
		return err
	}
	if len(hdr) > MaxHeaderBytes {
		return errors.New("model name too long")
	}
	var buf bytes.Buffer
	buf.Write(modelMagic[:])
	version := 1
	if net.Arch.Image != nil || m.Deskew {
		version = 2
	}
	binary.Write(&buf, binary.LittleEndian, uint32(version))
	binary.Write(&buf, binary.LittleEndian, uint32(len(hdr)))
	buf.Write(hdr)
	for _, p := range net.Params() {
		binary.Write(&buf, binary.LittleEndian, p.Value)
	}
	binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(buf.Bytes()))
	_, err = w.Write(buf.Bytes())
	return err
}

// Load reads a model file. Every way a file can be wrong (not a model, another version, cut
// short, damaged, an impossible architecture, weights that are not numbers) is an error that
// says which.
func Load(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the model file: %w", err)
	}
	return Parse(data)
}

// Parse reads a model file already in memory.
func Parse(data []byte) (*Model, error) {
	if len(data) > MaxModelBytes {
		return nil, fmt.Errorf("this file is larger than any Somehow model (%d MB at most)", MaxModelBytes>>20)
	}
	if len(data) < 16 || !bytes.Equal(data[:8], modelMagic[:]) {
		return nil, errors.New("this is not a Somehow model file (it does not start with SOMEHOW)")
	}
	version := binary.LittleEndian.Uint32(data[8:])
	if version < 1 || version > ModelVersion {
		return nil, fmt.Errorf("this model file has format version %d; this Somehow reads versions 1 to %d", version, ModelVersion)
	}
	hlen := binary.LittleEndian.Uint32(data[12:])
	if hlen > MaxHeaderBytes || int(hlen) > len(data)-16 {
		return nil, errors.New("the model file is cut short or damaged (its header length is impossible)")
	}
	var hdr modelHeader
	if err := json.Unmarshal(data[16:16+hlen], &hdr); err != nil {
		return nil, fmt.Errorf("the model file's header is damaged: %v", err)
	}
	if version == 1 && (hdr.Architecture.Image != nil || hdr.Deskew) {
		return nil, errors.New("the model file is damaged: a version 1 file describes an image network")
	}
	if err := hdr.Architecture.Validate(); err != nil {
		return nil, fmt.Errorf("the model file describes a network Somehow cannot build: %v", err)
	}
	body := data[16+hlen:]
	want := 4*hdr.Architecture.Parameters() + 4
	if len(body) != want {
		return nil, fmt.Errorf("the model file is %s: its architecture %s needs %d bytes of weights, it has %d",
			map[bool]string{true: "cut short", false: "too long"}[len(body) < want],
			hdr.Architecture, want-4, max(len(body)-4, 0))
	}
	if sum := binary.LittleEndian.Uint32(data[len(data)-4:]); sum != crc32.ChecksumIEEE(data[:len(data)-4]) {
		return nil, errors.New("the model file is damaged: its checksum does not match")
	}
	net := newNetwork(hdr.Architecture)
	floats := body[:len(body)-4]
	read := func(dst []float32) error {
		for i := range dst {
			v := math.Float32frombits(binary.LittleEndian.Uint32(floats))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return errors.New("the model file holds weights that are not finite numbers")
			}
			dst[i] = v
			floats = floats[4:]
		}
		return nil
	}
	for _, p := range net.Params() {
		if err := read(p.Value); err != nil {
			return nil, err
		}
	}
	if err := net.checkOutputsFinite(); err != nil {
		return nil, err
	}
	if math.IsNaN(hdr.TestError) || hdr.TestError < 0 || hdr.TestError > 100 {
		return nil, errors.New("the model file's header is damaged: its test error is not a percentage")
	}
	return &Model{Name: hdr.Name, Net: net, Deskew: hdr.Deskew, TestError: hdr.TestError}, nil
}

// checkOutputsFinite runs inputs a model will meet (all 0, all 1, a ramp between) through the
// network: weights so large that a weighted sum overflows would read every input as class 0.
func (n *Network) checkOutputsFinite() error {
	in := n.Arch.Inputs
	x := make([]float32, 3*in)
	for i := range in {
		x[in+i] = 1
		x[2*in+i] = float32(i%17) / 16
	}
	n.Forward(x, 3)
	for _, d := range n.Layers {
		for _, v := range d.Sums() {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return errors.New("the model's weights are so large that its outputs overflow: it would read every input the same way")
			}
		}
	}
	return nil
}

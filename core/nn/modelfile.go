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
//	version    uint32   little-endian: 1, or 2 for a network with an image part or an input option,
//	                    3 for one with a convolution in groups (an older Somehow would misread it)
//	headerLen  uint32   length of the JSON header, at most MaxHeaderBytes
//	header     JSON     {"name": ..., "architecture": {...}, "deskew": true?, "testError": 1.76?,
//	                    "members": 3?, "sound": 1?}
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
const ModelVersion = 3

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
	// Members is how many networks Merge put side by side in Net, reading by their vote (0: one
	// network), so a page can say that its 48 filters are three networks' 16.
	Members int
	// Sound is the version of the spectrogram (core/sound's Version) a listening network was
	// trained on, 0 for one that does not listen: a model made before the features changed is
	// refused with a sentence rather than misreading every word.
	Sound int
}

// MaxMembers is the most networks a model file says it merged (the CLI trains at most eight).
const MaxMembers = 8

type modelHeader struct {
	Name         string       `json:"name"`
	Architecture Architecture `json:"architecture"`
	Deskew       bool         `json:"deskew,omitempty"`
	TestError    float64      `json:"testError,omitempty"`
	Members      int          `json:"members,omitempty"`
	Sound        int          `json:"sound,omitempty"`
}

// Save writes the network to w in the model-file format.
func Save(w io.Writer, name string, net *Network) error {
	return SaveModel(w, &Model{Name: name, Net: net})
}

// SaveModel writes m as a model file, with its input options.
func SaveModel(w io.Writer, m *Model) error {
	net := m.Net
	if err := sharedAmong(net.Arch, m.Members); err != nil {
		return err
	}
	hdr, err := json.Marshal(modelHeader{Name: m.Name, Architecture: net.Arch, Deskew: m.Deskew, TestError: m.TestError, Members: m.Members, Sound: m.Sound})
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
	if net.Arch.grouped() {
		version = 3
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
	if version < 3 && hdr.Architecture.grouped() {
		return nil, fmt.Errorf("the model file is damaged: a version %d file describes a convolution in groups", version)
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
	if hdr.Members < 0 || hdr.Members > MaxMembers {
		return nil, fmt.Errorf("the model file's header is damaged: it says %d networks were merged (at most %d)", hdr.Members, MaxMembers)
	}
	if err := sharedAmong(hdr.Architecture, hdr.Members); err != nil {
		return nil, fmt.Errorf("the model file's header is damaged: %v", err)
	}
	if hdr.Sound < 0 {
		return nil, fmt.Errorf("the model file's header is damaged: it says it reads sound of version %d", hdr.Sound)
	}
	return &Model{Name: hdr.Name, Net: net, Deskew: hdr.Deskew, TestError: hdr.TestError, Members: hdr.Members, Sound: hdr.Sound}, nil
}

// sharedAmong checks that a vote of members networks (Merge) could have made arch: each of its
// convolutions' filters and hidden layers' units come in members equal shares, as the page
// shows them ("their 16 each").
func sharedAmong(arch Architecture, members int) error {
	if members < 2 {
		return nil
	}
	for _, f := range arch.Features {
		if f.Kind == "conv" && f.Filters%members != 0 {
			return fmt.Errorf("it says %d networks vote in it, but its %s's %d filters are not theirs in equal shares", members, f, f.Filters)
		}
	}
	for _, l := range arch.Layers[:len(arch.Layers)-1] {
		if l.Units%members != 0 {
			return fmt.Errorf("it says %d networks vote in it, but a layer of %d units is not theirs in equal shares", members, l.Units)
		}
	}
	return nil
}

// MaxModelInput is the largest input a loaded model is promised to read without overflow: a
// pixel is at most 1, a spectrogram's value (normalised over 1280 cells) at most 36.
const MaxModelInput = 64

// checkOutputsFinite bounds every weighted sum the network can make for inputs of at most
// MaxModelInput in size, layer by layer (each unit's bound is the sum of its weights' sizes
// times its inputs' bounds, plus its bias's), so that a crafted model cannot overflow on an
// input no test tried (a model whose weights are orthogonal to a few probe inputs passed them).
func (n *Network) checkOutputsFinite() error {
	const limit = 1e30 // float32 holds 3.4e38; a sum within this bound cannot overflow
	overflow := errors.New("the model's weights are so large that its weighted sums could overflow: it would read some inputs as nothing at all")
	squash := func(a Activation, b float64) float64 {
		if lo, hi := activations[a].lo, activations[a].hi; !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
			return math.Max(math.Abs(lo), math.Abs(hi))
		}
		return b // linear, relu and leaky relu never grow a sum
	}
	// The image part: one bound a channel (every position of a channel has the same bound).
	var bounds []float64
	if n.Arch.Image != nil {
		bounds = make([]float64, n.Arch.Image.Channels)
		for i := range bounds {
			bounds[i] = MaxModelInput
		}
		for _, f := range n.Features {
			c, ok := f.(*Conv)
			if !ok {
				continue // a max pool takes one of its inputs
			}
			k, filters, groups := c.windowSize(), c.spec.Filters, c.spec.groups()
			per, channels := filters/groups, c.in.Channels/groups
			out := make([]float64, filters)
			for j := range filters {
				sum := math.Abs(float64(c.Biases[j]))
				group := j / per // its block of weights, over its run of channels
				block, seen := c.Weights[group*k*per:], bounds[group*channels:]
				for r := range k {
					sum += math.Abs(float64(block[r*per+j%per])) * seen[r%channels]
				}
				if sum > limit {
					return overflow
				}
				out[j] = squash(c.spec.Activation, sum)
			}
			bounds = out
		}
		// The dense part reads the image part's output channel-last: position by position.
		perChannel := bounds
		bounds = make([]float64, n.Arch.denseInputs())
		for i := range bounds {
			bounds[i] = perChannel[i%len(perChannel)]
		}
	} else {
		bounds = make([]float64, n.Arch.Inputs)
		for i := range bounds {
			bounds[i] = MaxModelInput
		}
	}
	for _, d := range n.Layers {
		out := make([]float64, d.Units)
		for j := range d.Units {
			out[j] = math.Abs(float64(d.Biases[j]))
		}
		if d.groups > 1 { // each group's block of weights over its own inputs
			per := d.Units / d.groups
			for g, inputs := range d.members {
				block := d.Weights[g*len(inputs)*per:]
				for at, i := range inputs {
					for o, w := range block[at*per : (at+1)*per] {
						out[g*per+o] += math.Abs(float64(w)) * bounds[i]
					}
				}
			}
		} else {
			for i := range d.Inputs {
				row := d.Weights[i*d.Units : (i+1)*d.Units]
				for j, w := range row {
					out[j] += math.Abs(float64(w)) * bounds[i]
				}
			}
		}
		for j := range out {
			if out[j] > limit {
				return overflow
			}
			out[j] = squash(d.Activation, out[j])
		}
		bounds = out
	}
	return nil
}

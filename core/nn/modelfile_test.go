package nn

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"strings"
	"testing"
)

func sampleModel(t testing.TB) (*Network, []byte) {
	t.Helper()
	arch, err := ParseArchitecture("4-3-2", ReLU, Softmax, CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := New(arch, Init{Kind: He}, 9)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Save(&buf, "tiny", net); err != nil {
		t.Fatal(err)
	}
	return net, buf.Bytes()
}

func TestModelFileRoundTrip(t *testing.T) {
	net, file := sampleModel(t)
	m, err := Load(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "tiny" || m.Net.Arch.String() != "4-3-2" || m.Net.Arch.Loss != CrossEntropy {
		t.Fatalf("loaded %q %s %s", m.Name, m.Net.Arch, m.Net.Arch.Loss)
	}
	x := []float32{0.1, -0.4, 0.9, 0.3}
	a, b := net.Predict(x), m.Net.Predict(x)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("outputs differ after a round trip: %v vs %v", a, b)
		}
	}
}

// A merged model says how many networks it holds, and that survives the file.
func TestModelFileMembers(t *testing.T) {
	net, _ := sampleModel(t)
	merged, err := Merge(net, net.Clone(), net.Clone())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := SaveModel(&buf, &Model{Name: "vote", Net: merged, Members: 3}); err != nil {
		t.Fatal(err)
	}
	m, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.Members != 3 {
		t.Fatalf("a vote of three loaded as members %d", m.Members)
	}
	buf.Reset()
	if err := SaveModel(&buf, &Model{Name: "listens", Net: net, Sound: 2}); err != nil {
		t.Fatal(err)
	}
	if m, err = Parse(buf.Bytes()); err != nil || m.Sound != 2 {
		t.Fatalf("a listening model's sound version loaded as %v (%v)", m, err)
	}
	// Three networks of three hidden units each are nine: no two networks could have made them.
	if err := SaveModel(&buf, &Model{Name: "vote", Net: merged, Members: 2}); err == nil || !strings.Contains(err.Error(), "equal shares") {
		t.Fatalf("saved a vote of 3 as one of 2: %v", err)
	}
}

// withChecksum recomputes the trailing CRC so a test can reach the checks behind it.
func withChecksum(b []byte) []byte {
	b = append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestModelFileErrors(t *testing.T) {
	_, good := sampleModel(t)
	hlen := int(binary.LittleEndian.Uint32(good[12:]))
	header := string(good[16 : 16+hlen])
	forge := func(newHeader string) []byte {
		var b bytes.Buffer
		b.Write(good[:12])
		binary.Write(&b, binary.LittleEndian, uint32(len(newHeader)))
		b.WriteString(newHeader)
		b.Write(good[16+hlen:])
		return withChecksum(b.Bytes())
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-10] ^= 0x40
	nan := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(nan[16+hlen:], 0x7fc00000)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "not a Somehow model"},
		{"png", []byte("\x89PNG\r\n\x1a\n0000000000000000"), "not a Somehow model"},
		{"version", withChecksum(append(append([]byte(nil), good[:8]...), append([]byte{9, 0, 0, 0}, good[12:]...)...)), "format version 9"},
		{"truncated", good[:len(good)-9], "cut short"},
		{"trailing", withChecksum(append(append([]byte(nil), good...), 0, 0, 0, 0)), "too long"},
		{"bit flip", flipped, "checksum"},
		{"nan weight", withChecksum(nan), "not finite"},
		{"huge header length", append(append([]byte(nil), good[:12]...), 0xff, 0xff, 0xff, 0x7f), "header length"},
		{"bad json", forge("{not json"), "header is damaged"},
		{"forged huge layer", forge(strings.Replace(header, `"units":3`, `"units":4000000`, 1)), "cannot build"},
		{"forged many params", forge(strings.Replace(header, `"inputs":4`, `"inputs":4096`, 1)), "cut short"},
		{"unknown activation", forge(strings.Replace(header, `"relu"`, `"swish"`, 1)), "unknown activation"},
		{"too many members", forge(strings.Replace(header, `}}`, `},"members":99}`, 1)), "99 networks were merged"},
		{"negative members", forge(strings.Replace(header, `}}`, `},"members":-1}`, 1)), "-1 networks were merged"},
		{"negative sound", forge(strings.Replace(header, `}}`, `},"sound":-1}`, 1)), "sound of version -1"},
		{"members who cannot share it", forge(strings.Replace(header, `}}`, `},"members":2}`, 1)), "layer of 3 units is not theirs in equal shares"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

// FuzzLoad feeds the model loader arbitrary bytes: it may refuse them, never panic, and never
// return a network whose weights it did not read.
func FuzzLoad(f *testing.F) {
	_, good := sampleModel(f)
	f.Add(good)
	f.Add(good[:20])
	f.Add([]byte("SOMEHOW\n\x01\x00\x00\x00\x05\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Most mutations break the checksum; recompute it so the fuzzer also reaches every check
		// after it (the header, the sizes, the weights themselves).
		if len(b) >= 20 {
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		}
		m, err := Parse(b)
		if err != nil {
			return
		}
		if 16+4*m.Net.Arch.Parameters() > len(b) {
			t.Fatalf("a %d-byte file produced a network of %d parameters", len(b), m.Net.Arch.Parameters())
		}
		out := m.Net.Forward(make([]float32, m.Net.Arch.Inputs), 1)
		for _, v := range out {
			if math.IsNaN(float64(v)) {
				t.Fatalf("a model that loaded reads a blank input as NaN")
			}
		}
	})
}

// A file whose weights are finite but absurdly large is refused: its sums overflow, and it
// would read every digit as 0.
func TestHugeWeightsAreRefused(t *testing.T) {
	net, _ := sampleModel(t)
	for i := range net.Layers[0].Weights {
		net.Layers[0].Weights[i] = 3e38
	}
	var buf bytes.Buffer
	if err := Save(&buf, "huge", net); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("huge weights: %v", err)
	}
}

// An image network saves as a version 2 file with its convolutions and reads back the same,
// deskew flag included; a dense network still saves as version 1.
func TestImageModelRoundTrip(t *testing.T) {
	arch, err := ParseArchitecture("12x12-conv3x3x4same-pool2-conv3x3x6-5", ReLU, Softmax, CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	if got := arch.String(); got != "12x12-conv3x3x4same-pool2-conv3x3x6-5" {
		t.Errorf("architecture string %q", got)
	}
	net, _ := New(arch, Init{Kind: He}, 3)
	var buf bytes.Buffer
	if err := SaveModel(&buf, &Model{Name: "conv", Net: net, Deskew: true}); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint32(buf.Bytes()[8:]); v != 2 {
		t.Errorf("image network saved as version %d", v)
	}
	m, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !m.Deskew || m.Net.Arch.String() != arch.String() || len(m.Net.Features) != 3 {
		t.Fatalf("read back %s deskew %v", m.Net.Arch, m.Deskew)
	}
	sameOutputs(t, net, m.Net)
	_, dense := sampleModel(t)
	if v := binary.LittleEndian.Uint32(dense[8:]); v != 1 {
		t.Errorf("a dense network saved as version %d", v)
	}
	for _, bad := range []string{"28x28-conv4x4x8same-10", "4x4-conv5x5x2-3", "28x28-pool9-10", "28x28-conv3x3x8", "784-conv3x3x8-10",
		"12x12-conv3x3x4-conv3x3x6/4-5", "12x12-conv3x3x4-conv3x3x5/2-5", "12x12-conv3x3x4/2-5", "12x12-conv3x3x4-conv3x3x4/0-5", "12x12-conv3x3x4-conv3x3x4/x-5"} {
		if _, err := ParseArchitecture(bad, ReLU, Softmax, CrossEntropy); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

// sameOutputs checks that a network read back from its file reads an input as it did.
func sameOutputs(t *testing.T, saved, read *Network) {
	t.Helper()
	x := make([]float32, saved.Arch.Inputs)
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	a, b := saved.Predict(x), read.Predict(x)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("output %d: %v before saving, %v after", i, a[i], b[i])
		}
	}
}

// A convolution in groups survives the file (version 3, which an older Somehow refuses rather
// than misreading), and a version 2 file cannot claim one.
func TestGroupedModelRoundTrip(t *testing.T) {
	const sizes = "12x12x2-conv3x3x4same/2-pool2-conv3x3x6/2-4/2-5"
	arch, err := ParseArchitecture(sizes, ReLU, Softmax, CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	if got := arch.String(); got != sizes {
		t.Errorf("architecture string %q", got)
	}
	// Each group's filters see only its channels: 3·3·1 weights a filter in the first, 3·3·2 in the second.
	if got, want := arch.Parameters(), (9+1)*4+(18+1)*6+(4*4*3+1)*4+(4+1)*5; got != want {
		t.Errorf("%d parameters, want %d", got, want)
	}
	net, _ := New(arch, Init{Kind: He}, 3)
	var buf bytes.Buffer
	if err := SaveModel(&buf, &Model{Name: "groups", Net: net}); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	if v := binary.LittleEndian.Uint32(file[8:]); v != 3 {
		t.Errorf("a network with a convolution in groups saved as version %d", v)
	}
	m, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, net, m.Net)
	old := append([]byte(nil), file...)
	binary.LittleEndian.PutUint32(old[8:], 2)
	if _, err := Parse(withChecksum(old)); err == nil || !strings.Contains(err.Error(), "groups") {
		t.Errorf("a version 2 file with a convolution in groups: %v", err)
	}
	// The bound on every weighted sum reads each group's block over its own inputs: one huge
	// weight in the second group of the dense layer overflows.
	net.Layers[0].Weights[len(net.Layers[0].Weights)-1] = 3e38
	buf.Reset()
	if err := SaveModel(&buf, &Model{Name: "huge", Net: net}); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("a huge weight in a group: %v", err)
	}
}

// Issue 23: a 784-1-10 model whose hidden weights are orthogonal to the probe inputs (all 0,
// all 1, a ramp) passed the old check, and a drawn 1 then gave infinite sums. The bound on
// every weighted sum refuses it, whatever inputs a test would have tried.
func TestWeightsOrthogonalToAnyProbeAreRefused(t *testing.T) {
	arch, err := ParseArchitecture("784-1-10", ReLU, Softmax, CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := New(arch, Init{Kind: He}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// +w on one column of pixels, −w on its neighbour: blank, full and ramp-like inputs cancel.
	for i := range net.Layers[0].Weights {
		switch i % 28 {
		case 10:
			net.Layers[0].Weights[i] = 1e37
		case 11:
			net.Layers[0].Weights[i] = -1e37
		default:
			net.Layers[0].Weights[i] = 0
		}
	}
	x := make([]float32, 784)
	for y := range 28 {
		x[y*28+10] = 1 // a drawn 1 in column 10
	}
	out := net.Predict(x)
	if !math.IsNaN(float64(out[0])) && !math.IsInf(float64(out[0]), 0) {
		t.Fatalf("the crafted model does not overflow on a drawn 1: %v", out)
	}
	var buf bytes.Buffer
	if err := Save(&buf, "crafted", net); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("a model that overflows on a drawn 1 was loaded: %v", err)
	}
}

// Issue 23: a model of few bytes can still cost seconds an input; the work is capped, with a
// sentence naming the limit, and every preset stays far inside it.
func TestTheWorkOfOneInputIsCapped(t *testing.T) {
	bomb := "28x28-conv15x15x256same-conv15x15x256same-pool2-10"
	_, err := ParseArchitecture(bomb, ReLU, Softmax, CrossEntropy)
	if err == nil || !strings.Contains(err.Error(), "multiply-adds") || !strings.Contains(err.Error(), "limit is 50 million") {
		t.Errorf("%s: %v", bomb, err)
	}
	a, err := ParseArchitecture("28x28-conv5x5x16same-pool2-conv5x5x32same-pool2-128-10", ReLU, Softmax, CrossEntropy)
	if err != nil || a.MultiplyAdds() != 784*25*16+196*25*16*32+1568*128+128*10 {
		t.Errorf("the conv preset: %v, %d multiply-adds", err, a.MultiplyAdds())
	}
}

package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"
)

// idxFile builds an IDX file of unsigned bytes by hand.
func idxFile(dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReadIDXHandmade(t *testing.T) {
	raw := idxFile([]uint32{2, 2, 3}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255})
	for name, file := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		idx, err := ReadIDX(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(idx.Dims) != 3 || idx.Dims[0] != 2 || idx.Dims[1] != 2 || idx.Dims[2] != 3 || idx.Data[11] != 255 {
			t.Fatalf("%s: read %v %v", name, idx.Dims, idx.Data)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "shorter than its 4-byte magic"},
		{"bad magic", []byte{1, 2, 8, 1, 0, 0, 0, 1, 5}, "magic number"},
		{"float type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "not supported"},
		{"zero dims", []byte{0, 0, 8, 0}, "dimensions"},
		{"cut header", []byte{0, 0, 8, 2, 0, 0, 0, 1}, "inside its header"},
		{"zero dim", idxFile([]uint32{0}, nil), "impossible"},
		{"forged huge", idxFile([]uint32{60000, 2800, 2800}, []byte{1, 2, 3}), "more than"},
		{"short data", idxFile([]uint32{10}, []byte{1, 2, 3}), "cut short"},
		{"extra data", idxFile([]uint32{2}, []byte{1, 2, 3}), "more data"},
		{"broken gzip", []byte{0x1f, 0x8b, 0, 0}, "gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadIDX(bytes.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

func TestReadMNISTChecksPairs(t *testing.T) {
	images := idxFile([]uint32{2, 2, 2}, make([]byte, 8))
	if _, err := ReadMNIST(bytes.NewReader(images), bytes.NewReader(idxFile([]uint32{3}, []byte{1, 2, 3}))); err == nil || !strings.Contains(err.Error(), "2 images but 3 labels") {
		t.Errorf("mismatched counts: %v", err)
	}
	if _, err := ReadMNIST(bytes.NewReader(images), bytes.NewReader(idxFile([]uint32{2}, []byte{1, 12}))); err == nil || !strings.Contains(err.Error(), "not a digit") {
		t.Errorf("label 12: %v", err)
	}
	m, err := ReadMNIST(bytes.NewReader(images), bytes.NewReader(idxFile([]uint32{2}, []byte{7, 3})))
	if err != nil || m.Len() != 2 || m.InputSize() != 4 || m.Label(1) != 3 {
		t.Errorf("good pair: %v %+v", err, m)
	}
}

// FuzzReadIDX feeds the reader arbitrary bytes: errors are fine, panics and data longer than the
// header promises are not.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxFile([]uint32{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	f.Add(gz(idxFile([]uint32{3}, []byte{1, 2, 3})))
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range idx.Dims {
			n *= d
		}
		if n != len(idx.Data) {
			t.Fatalf("dims %v but %d bytes", idx.Dims, len(idx.Data))
		}
	})
}

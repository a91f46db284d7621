// Package data holds Somehow's datasets: the MNIST digits read from IDX files, and the toy 2D
// sets (blobs, XOR, circles, gaussians, spiral, moons) of the playground. Images stay as bytes;
// they become float32 one example at a time through the nn.Samples interface.
package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxIDXBytes caps the data an IDX file may declare (MNIST's training images are 47 MB).
const MaxIDXBytes = 64 << 20

// IDX is the content of an IDX file of unsigned bytes: its dimensions and its data, row-major.
type IDX struct {
	Dims []int
	Data []byte
}

// ReadIDX reads an IDX file of unsigned bytes (type 0x08), gzip-compressed or raw. It checks the
// magic number, the dimensions and that the data is exactly as long as they say. Memory grows
// with the data actually read, never with what a header claims.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("the IDX file looks gzip-compressed but is damaged: %v", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, errors.New("not an IDX file: it is shorter than its 4-byte magic number")
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("not an IDX file: the magic number %x should start with two zero bytes", magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("IDX data type 0x%02x is not supported; only unsigned bytes (0x08) are", magic[2])
	}
	nd := int(magic[3])
	if nd < 1 || nd > 4 {
		return nil, fmt.Errorf("IDX file with %d dimensions; 1 to 4 are supported", nd)
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, errors.New("the IDX file is cut short inside its header")
		}
		if d == 0 || d > MaxIDXBytes {
			return nil, fmt.Errorf("IDX dimension %d is %d, which is impossible", i+1, d)
		}
		dims[i] = int(d)
		total *= int(d)
		if total > MaxIDXBytes {
			return nil, fmt.Errorf("the IDX file declares more than %d MB of data", MaxIDXBytes>>20)
		}
	}
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, br, int64(total))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading IDX data: %v", err)
	}
	if n < int64(total) {
		return nil, fmt.Errorf("the IDX file is cut short: its header promises %d bytes of data, it has %d", total, n)
	}
	if _, err := br.ReadByte(); err == nil {
		return nil, errors.New("the IDX file has more data than its header says")
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

// Bytes is the IDX file of x, uncompressed, as ReadIDX reads it back (MNIST's own layout: a
// 28×28 image set is 3 dimensions, count × 28 × 28; labels are one).
func (x *IDX) Bytes() []byte {
	out := make([]byte, 4+4*len(x.Dims), 4+4*len(x.Dims)+len(x.Data))
	out[2], out[3] = 0x08, byte(len(x.Dims))
	for i, d := range x.Dims {
		binary.BigEndian.PutUint32(out[4+4*i:], uint32(d))
	}
	return append(out, x.Data...)
}

package nn

import (
	"fmt"
	"strconv"
	"strings"

	"somehow/core/linalg"
)

// Shape is an image's height, width and channels. Images are stored channels-last: pixel (y, x)
// of channel c is at (y*Width+x)*Channels+c, so a greyscale 28×28 MNIST image is its 784 bytes
// as they come.
type Shape struct {
	Height   int `json:"height"`
	Width    int `json:"width"`
	Channels int `json:"channels"`
}

// Size is Height×Width×Channels.
func (s Shape) Size() int { return s.Height * s.Width * s.Channels }

func (s Shape) String() string {
	if s.Channels == 1 {
		return fmt.Sprintf("%dx%d", s.Height, s.Width)
	}
	return fmt.Sprintf("%dx%dx%d", s.Height, s.Width, s.Channels)
}

// FeatureSpec is one stage of a network's image part, before its dense layers: a convolution
// (Filters filters of Size×Size over all channels, stride 1, "same" padding or none, then the
// activation) or a max pooling (Size×Size windows, stride Size).
type FeatureSpec struct {
	Kind       string     `json:"kind"` // "conv" or "pool"
	Size       int        `json:"size"`
	Filters    int        `json:"filters,omitempty"`
	Same       bool       `json:"same,omitempty"`
	Activation Activation `json:"activation,omitempty"`
	// Groups splits a convolution into that many side by side (0 or 1: one): the channels and
	// the filters in as many equal runs, each run of filters seeing only its run of channels.
	// A vote of networks (Merge) is one: each network's filters see only its own network's maps,
	// at 1/Groups of the weights and multiply-adds of filters over every channel.
	Groups int `json:"groups,omitempty"`
}

// groups is how many groups the convolution is in (1 when Groups is unset).
func (f FeatureSpec) groups() int { return max(f.Groups, 1) }

// String writes the stage as the architecture string does: conv5x5x8, conv5x5x8same,
// conv5x5x80same/5 (in five groups), pool2.
func (f FeatureSpec) String() string {
	if f.Kind == "pool" {
		return "pool" + strconv.Itoa(f.Size)
	}
	s := fmt.Sprintf("conv%dx%dx%d", f.Size, f.Size, f.Filters)
	if f.Same {
		s += "same"
	}
	if f.Groups > 1 {
		s += "/" + strconv.Itoa(f.Groups)
	}
	return s
}

// out is the shape this stage makes of an input of shape in.
func (f FeatureSpec) out(in Shape) Shape {
	if f.Kind == "pool" {
		return Shape{(in.Height-f.Size)/f.Size + 1, (in.Width-f.Size)/f.Size + 1, in.Channels}
	}
	pad := 0
	if f.Same {
		pad = (f.Size - 1) / 2
	}
	return Shape{in.Height + 2*pad - f.Size + 1, in.Width + 2*pad - f.Size + 1, f.Filters}
}

// parseImage reads "28x28" or "28x28x3".
func parseImage(s string) (Shape, bool) {
	parts := strings.Split(s, "x")
	if len(parts) < 2 || len(parts) > 3 {
		return Shape{}, false
	}
	n := make([]int, 3)
	n[2] = 1
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 {
			return Shape{}, false
		}
		n[i] = v
	}
	return Shape{n[0], n[1], n[2]}, true
}

// parseFeature reads conv5x5x8, conv5x5x8same, conv5x5x80same/5 or pool2.
func parseFeature(s string, act Activation) (FeatureSpec, bool) {
	if rest, ok := strings.CutPrefix(s, "pool"); ok {
		v, err := strconv.Atoi(rest)
		return FeatureSpec{Kind: "pool", Size: v}, err == nil && v >= 1
	}
	rest, ok := strings.CutPrefix(s, "conv")
	if !ok {
		return FeatureSpec{}, false
	}
	if rest, g, split := strings.Cut(rest, "/"); split {
		v, err := strconv.Atoi(g)
		if err != nil || v < 1 {
			return FeatureSpec{}, false
		}
		f, ok := parseFeature("conv"+rest, act)
		if v > 1 {
			f.Groups = v
		}
		return f, ok
	}
	rest, same := strings.CutSuffix(rest, "same")
	parts := strings.Split(rest, "x")
	if len(parts) != 3 || parts[0] != parts[1] {
		return FeatureSpec{}, false
	}
	k, err1 := strconv.Atoi(parts[0])
	f, err2 := strconv.Atoi(parts[2])
	return FeatureSpec{Kind: "conv", Size: k, Filters: f, Same: same, Activation: act}, err1 == nil && err2 == nil && k >= 1 && f >= 1
}

// Feature is one stage of the image part of a network: a *Conv or a *Pool.
type Feature interface {
	// Spec is the stage's description; In and Out its input and output shapes.
	Spec() FeatureSpec
	In() Shape
	Out() Shape
	// Outputs are the last batch's outputs (rows × Out().Size()); they alias internal state.
	Outputs() []float32
	forward(x []float32, rows, workers int) []float32
	// backward takes ∂C/∂outputs and, when wantInput, returns ∂C/∂inputs.
	backward(dy []float32, rows, workers int, wantInput bool) []float32
	params() []Param
}

// Conv is a convolution: Filters filters of Size×Size×Channels slid over the image with stride 1,
// each output a weighted sum of one window plus the filter's bias, through the activation. It runs
// as one matrix product a batch: the windows laid out as rows (im2col) times the filters.
type Conv struct {
	spec    FeatureSpec
	in, out Shape
	pad     int
	// Weights is (Size·Size·Channels)×Filters: row (ky*Size+kx)*Channels+c, column f. In G
	// groups, it is G such blocks one after the other, each (Size·Size·Channels/G)×(Filters/G):
	// group g's filters over its channels.
	Weights, Biases         []float32
	WeightGrads, BiasGrads  []float32
	cols, sums, outputs, ds []float32 // the last batch
	dcols, dx               []float32 // scratch for the gradient to the inputs
	wt, gradT               []float32 // Weights and WeightGrads transposed: Filters×window
	groupWindows            []float32 // in groups, scratch for one group's windows' gradient
}

func newConv(spec FeatureSpec, in Shape) *Conv {
	c := &Conv{spec: spec, in: in, out: spec.out(in)}
	if spec.Same {
		c.pad = (spec.Size - 1) / 2
	}
	k := c.windowSize()
	c.Weights, c.WeightGrads = make([]float32, k*spec.Filters), make([]float32, k*spec.Filters)
	c.Biases, c.BiasGrads = make([]float32, spec.Filters), make([]float32, spec.Filters)
	return c
}

func (c *Conv) Spec() FeatureSpec  { return c.spec }
func (c *Conv) In() Shape          { return c.in }
func (c *Conv) Out() Shape         { return c.out }
func (c *Conv) Outputs() []float32 { return c.outputs }
func (c *Conv) windowSize() int    { return c.spec.Size * c.spec.Size * c.in.Channels / c.spec.groups() }
func (c *Conv) params() []Param {
	return []Param{{c.Weights, c.WeightGrads, true}, {c.Biases, c.BiasGrads, false}}
}

func (c *Conv) forward(x []float32, rows, workers int) []float32 {
	if c.spec.groups() > 1 {
		return c.forwardGroups(x, rows, workers)
	}
	k, f := c.windowSize(), c.spec.Filters
	m := rows * c.out.Height * c.out.Width
	c.cols = grow(c.cols, m*k)
	c.im2col(x, rows)
	c.sums = grow(c.sums, m*f)
	// Every row starts as the biases: one row, then copies that double what is filled (a copy
	// a row was 50 000 runtime calls a batch for the first convolution).
	copy(c.sums, c.Biases)
	for done := f; done < m*f; done *= 2 {
		copy(c.sums[done:], c.sums[:done])
	}
	// Zero window entries (padding, and most of an MNIST digit's pixels) cost nothing here.
	linalg.MulAdd(c.sums, c.cols, c.Weights, m, k, f, workers)
	c.outputs = grow(c.outputs, m*f)
	c.spec.Activation.Forward(c.sums, c.outputs, m, f)
	return c.outputs
}

// im2col writes every output position's window as one row of c.cols. Channels-last, a window's
// row is one contiguous run of the image's row, copied at once away from the borders.
func (c *Conv) im2col(x []float32, rows int) {
	in, out, size, pad := c.in, c.out, c.spec.Size, c.pad
	ch := in.Channels
	k := c.windowSize()
	run := size * ch
	row := 0
	for r := 0; r < rows; r++ {
		img := x[r*in.Size() : (r+1)*in.Size()]
		for oy := 0; oy < out.Height; oy++ {
			for ox := 0; ox < out.Width; ox++ {
				dst := c.cols[row*k : (row+1)*k]
				row++
				x0 := ox - pad
				for ky := 0; ky < size; ky++ {
					iy := oy + ky - pad
					line := dst[ky*run : (ky+1)*run]
					if iy < 0 || iy >= in.Height {
						clear(line)
						continue
					}
					src := img[iy*in.Width*ch : (iy+1)*in.Width*ch]
					if x0 >= 0 && x0+size <= in.Width {
						if run == 5 { // a 5×5 filter over one channel: five values, no runtime call
							s, d := (*[5]float32)(src[x0:x0+5]), (*[5]float32)(line)
							d[0], d[1], d[2], d[3], d[4] = s[0], s[1], s[2], s[3], s[4]
							continue
						}
						copy(line, src[x0*ch:(x0+size)*ch])
						continue
					}
					for kx := 0; kx < size; kx++ {
						ix := x0 + kx
						if ch == 1 { // one value: no runtime call for it
							if ix < 0 || ix >= in.Width {
								line[kx] = 0
							} else {
								line[kx] = src[ix]
							}
							continue
						}
						cell := line[kx*ch : (kx+1)*ch]
						if ix < 0 || ix >= in.Width {
							clear(cell)
						} else {
							copy(cell, src[ix*ch:(ix+1)*ch])
						}
					}
				}
			}
		}
	}
}

func (c *Conv) backward(dy []float32, rows, workers int, wantInput bool) []float32 {
	if c.spec.groups() > 1 {
		return c.backwardGroups(dy, rows, workers, wantInput)
	}
	k, f := c.windowSize(), c.spec.Filters
	m := rows * c.out.Height * c.out.Width
	c.ds = grow(c.ds, m*f)
	c.spec.Activation.Backward(c.sums, c.outputs, dy, c.ds, m, f)
	// Both products below run along whole windows (k long) rather than along the few filters,
	// and skip the zero gradients that ReLU leaves (often half of them): in WebAssembly, long
	// inner loops are what make a product fast.
	// ∂C/∂Wᵀ = dsᵀ·windows, Filters×k; then transposed into WeightGrads.
	c.gradT = grow(c.gradT, f*k)
	clear(c.gradT)
	linalg.MulTransAAdd(c.gradT, c.ds, c.cols, m, f, k, workers)
	for p := range k {
		for j := range f {
			c.WeightGrads[p*f+j] = c.gradT[j*k+p]
		}
	}
	clear(c.BiasGrads)
	if f == 8 { // a call a window was 50 000 calls a batch for the first convolution
		sum := (*[8]float32)(c.BiasGrads)
		for r := 0; r < m; r++ {
			d := (*[8]float32)(c.ds[r*8 : r*8+8])
			sum[0], sum[1], sum[2], sum[3] = sum[0]+d[0], sum[1]+d[1], sum[2]+d[2], sum[3]+d[3]
			sum[4], sum[5], sum[6], sum[7] = sum[4]+d[4], sum[5]+d[5], sum[6]+d[6], sum[7]+d[7]
		}
	} else {
		for r := 0; r < m; r++ {
			linalg.Axpy(1, c.ds[r*f:(r+1)*f], c.BiasGrads)
		}
	}
	if !wantInput {
		return nil
	}
	// ∂C/∂windows = ds·Wᵀ, then each window's gradient added back where it came from (col2im).
	c.wt = grow(c.wt, f*k)
	for p := range k {
		for j := range f {
			c.wt[j*k+p] = c.Weights[p*f+j]
		}
	}
	c.dcols = grow(c.dcols, m*k)
	dcols := c.dcols
	clear(dcols)
	linalg.MulAdd(dcols, c.ds, c.wt, m, f, k, workers)
	in, out, size, pad, ch := c.in, c.out, c.spec.Size, c.pad, c.in.Channels
	c.dx = grow(c.dx, rows*in.Size())
	dx := c.dx
	clear(dx)
	row := 0
	for r := 0; r < rows; r++ {
		img := dx[r*in.Size() : (r+1)*in.Size()]
		for oy := 0; oy < out.Height; oy++ {
			for ox := 0; ox < out.Width; ox++ {
				src := dcols[row*k : (row+1)*k]
				x0 := ox - pad
				inside := x0 >= 0 && x0+size <= in.Width
				for ky := 0; ky < size; ky++ {
					iy := oy + ky - pad
					if iy < 0 || iy >= in.Height {
						continue
					}
					if inside { // the window's line is one run of the image's row: one call
						at := (iy*in.Width + x0) * ch
						linalg.Add(src[ky*size*ch:(ky+1)*size*ch], img[at:at+size*ch])
						continue
					}
					for kx := 0; kx < size; kx++ {
						ix := ox + kx - pad
						if ix < 0 || ix >= in.Width {
							continue
						}
						linalg.Axpy(1, src[(ky*size+kx)*ch:(ky*size+kx+1)*ch], img[(iy*in.Width+ix)*ch:(iy*in.Width+ix+1)*ch])
					}
				}
				row++
			}
		}
	}
	return dx
}

// Filter returns filter f's weights as a Size×Size×Channels image (channels-last), over its
// group's channels in a grouped convolution.
func (c *Conv) Filter(f int) []float32 {
	k, per := c.windowSize(), c.spec.Filters/c.spec.groups()
	block := c.Weights[f/per*k*per:]
	out := make([]float32, k)
	for i := range k {
		out[i] = block[i*per+f%per]
	}
	return out
}

// forwardGroups is forward in groups: each group's windows (over its run of channels) times its
// block of weights, into its run of the outputs' columns. The windows of every group are kept,
// group after group, for backward.
func (c *Conv) forwardGroups(x []float32, rows, workers int) []float32 {
	g, k, f := c.spec.groups(), c.windowSize(), c.spec.Filters
	per, chans := f/g, c.in.Channels/g
	m := rows * c.out.Height * c.out.Width
	c.cols = grow(c.cols, g*m*k)
	c.sums = grow(c.sums, m*f)
	c.ds = grow(c.ds, m*per) // scratch: one group's sums
	for j := range g {
		cols := c.cols[j*m*k : (j+1)*m*k]
		c.im2colChannels(cols, x, rows, j*chans, chans)
		part := c.ds[:m*per]
		for r := range m {
			copy(part[r*per:(r+1)*per], c.Biases[j*per:(j+1)*per])
		}
		linalg.MulAdd(part, cols, c.Weights[j*k*per:(j+1)*k*per], m, k, per, workers)
		for r := range m {
			copy(c.sums[r*f+j*per:r*f+(j+1)*per], part[r*per:(r+1)*per])
		}
	}
	c.outputs = grow(c.outputs, m*f)
	c.spec.Activation.Forward(c.sums, c.outputs, m, f)
	return c.outputs
}

// im2colChannels writes every output position's window over channels from..from+count-1 as one
// row of cols.
func (c *Conv) im2colChannels(cols, x []float32, rows, from, count int) {
	clear(cols) // the padding
	c.eachCell(rows, func(row, cell, pixel int) {
		at := row*c.spec.Size*c.spec.Size*count + cell*count
		copy(cols[at:at+count], x[pixel+from:pixel+from+count])
	})
}

// eachCell visits every cell of every output position's window that falls inside the image:
// the window's row (output positions in order, image after image), the cell's place in the
// window (ky*Size+kx) and where its pixel's channels start in the batch (channels-last).
func (c *Conv) eachCell(rows int, visit func(row, cell, pixel int)) {
	in, out, size, pad := c.in, c.out, c.spec.Size, c.pad
	row := 0
	for r := range rows {
		for oy := range out.Height {
			for ox := range out.Width {
				for ky := range size {
					iy := oy + ky - pad
					if iy < 0 || iy >= in.Height {
						continue
					}
					for kx := range size {
						if ix := ox + kx - pad; ix >= 0 && ix < in.Width {
							visit(row, ky*size+kx, r*in.Size()+(iy*in.Width+ix)*in.Channels)
						}
					}
				}
				row++
			}
		}
	}
}

// backwardGroups is backward in groups: each group's gradients from its run of ∂C/∂sums and its
// windows, and its windows' gradient added back into its run of the input's channels.
func (c *Conv) backwardGroups(dy []float32, rows, workers int, wantInput bool) []float32 {
	g, k, f := c.spec.groups(), c.windowSize(), c.spec.Filters
	per, chans := f/g, c.in.Channels/g
	m := rows * c.out.Height * c.out.Width
	ds := grow(c.dcols, m*f) // ∂C/∂sums of every filter
	c.dcols = ds
	c.spec.Activation.Backward(c.sums, c.outputs, dy, ds, m, f)
	clear(c.BiasGrads)
	for r := range m {
		linalg.Axpy(1, ds[r*f:(r+1)*f], c.BiasGrads)
	}
	if wantInput {
		c.dx = grow(c.dx, rows*c.in.Size())
		clear(c.dx)
	}
	part := grow(c.ds, m*per)
	c.ds = part
	c.gradT = grow(c.gradT, per*k)
	c.wt = grow(c.wt, per*k)
	var window []float32
	if wantInput {
		c.groupWindows = grow(c.groupWindows, m*k)
		window = c.groupWindows
	}
	for j := range g {
		for r := range m {
			copy(part[r*per:(r+1)*per], ds[r*f+j*per:r*f+(j+1)*per])
		}
		cols, w, grads := c.cols[j*m*k:(j+1)*m*k], c.Weights[j*k*per:(j+1)*k*per], c.WeightGrads[j*k*per:(j+1)*k*per]
		clear(c.gradT)
		linalg.MulTransAAdd(c.gradT, part, cols, m, per, k, workers)
		for p := range k {
			for o := range per {
				grads[p*per+o] = c.gradT[o*k+p]
			}
		}
		if !wantInput {
			continue
		}
		for p := range k {
			for o := range per {
				c.wt[o*k+p] = w[p*per+o]
			}
		}
		clear(window)
		linalg.MulAdd(window, part, c.wt, m, per, k, workers)
		c.eachCell(rows, func(row, cell, pixel int) {
			at := pixel + j*chans
			linalg.Add(window[row*k+cell*chans:row*k+(cell+1)*chans], c.dx[at:at+chans])
		})
	}
	if !wantInput {
		return nil
	}
	return c.dx
}

// Pool is max pooling: each Size×Size window of each channel (stride Size) becomes its largest
// value; the gradient flows back to that one input.
type Pool struct {
	spec    FeatureSpec
	in, out Shape
	outputs []float32
	argmax  []int32 // for each output, the input index it came from
	dx      []float32
}

func newPool(spec FeatureSpec, in Shape) *Pool {
	return &Pool{spec: spec, in: in, out: spec.out(in)}
}

func (p *Pool) Spec() FeatureSpec  { return p.spec }
func (p *Pool) In() Shape          { return p.in }
func (p *Pool) Out() Shape         { return p.out }
func (p *Pool) Outputs() []float32 { return p.outputs }
func (p *Pool) params() []Param    { return nil }

func (p *Pool) forward(x []float32, rows, _ int) []float32 {
	in, out, size, ch := p.in, p.out, p.spec.Size, p.in.Channels
	n := rows * out.Size()
	p.outputs = grow(p.outputs, n)
	if cap(p.argmax) < n {
		p.argmax = make([]int32, n)
	}
	p.argmax = p.argmax[:n]
	if size == 2 {
		p.forward2(x, rows)
		return p.outputs
	}
	o := 0
	for r := 0; r < rows; r++ {
		base := r * in.Size()
		for oy := 0; oy < out.Height; oy++ {
			for ox := 0; ox < out.Width; ox++ {
				for c := 0; c < ch; c++ {
					best := base + ((oy*size)*in.Width+ox*size)*ch + c
					for ky := 0; ky < size; ky++ {
						for kx := 0; kx < size; kx++ {
							i := base + ((oy*size+ky)*in.Width+ox*size+kx)*ch + c
							if x[i] > x[best] {
								best = i
							}
						}
					}
					p.outputs[o] = x[best]
					p.argmax[o] = int32(best)
					o++
				}
			}
		}
	}
	return p.outputs
}

// forward2 is forward for 2×2 windows, the four compared in forward's order without its two inner
// loops: in WebAssembly their turns cost more than the comparisons.
func (p *Pool) forward2(x []float32, rows int) {
	in, out, ch := p.in, p.out, p.in.Channels
	o := 0
	for r := 0; r < rows; r++ {
		base := r * in.Size()
		for oy := 0; oy < out.Height; oy++ {
			for ox := 0; ox < out.Width; ox++ {
				top := base + (2*oy*in.Width+2*ox)*ch
				right, below := top+ch, top+in.Width*ch
				diagonal := below + ch
				for c := 0; c < ch; c++ {
					best := top + c
					if x[right+c] > x[best] {
						best = right + c
					}
					if x[below+c] > x[best] {
						best = below + c
					}
					if x[diagonal+c] > x[best] {
						best = diagonal + c
					}
					p.outputs[o] = x[best]
					p.argmax[o] = int32(best)
					o++
				}
			}
		}
	}
}

func (p *Pool) backward(dy []float32, rows, _ int, wantInput bool) []float32 {
	if !wantInput {
		return nil
	}
	p.dx = grow(p.dx, rows*p.in.Size())
	clear(p.dx)
	for o, i := range p.argmax[:rows*p.out.Size()] {
		p.dx[i] += dy[o]
	}
	return p.dx
}

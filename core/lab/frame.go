package lab

import (
	"fmt"
	"math"

	"somehow/core/nn"
)

// Frame computes what the page draws: the points and, for each live pane, its scores, heatmap,
// predictions and (when withNetwork) the network with its neurons' thumbnails.
func (l *Lab) Frame(withNetwork bool, live [2]bool) Frame {
	f := Frame{Type: "frame", Extent: Extent, PointsVersion: l.pointsVersion, Points: l.points, Panes: []PaneFrame{}}
	if f.Points == nil {
		f.Points = []Point{}
	}
	for i, p := range l.panes {
		if live[i] {
			pf := l.paneFrame(p, withNetwork)
			pf.Pane = i
			f.Panes = append(f.Panes, pf)
		}
	}
	return f
}

// grid returns the centres of an n×n grid over the square, row 0 at the top, as x,y pairs.
func grid(n int) []float32 {
	xy := make([]float32, 0, 2*n*n)
	step := 2 * Extent / float64(n)
	for r := range n {
		y := Extent - (float64(r)+0.5)*step
		for c := range n {
			x := -Extent + (float64(c)+0.5)*step
			xy = append(xy, float32(x), float32(y))
		}
	}
	return xy
}

var heatmapGrids = map[int][]float32{HeatmapSize: grid(HeatmapSize), CoarseHeatmapSize: grid(CoarseHeatmapSize)}
var thumbnailGrid = grid(ThumbnailSize)

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func (l *Lab) paneFrame(p *pane, withNetwork bool) PaneFrame {
	cells := HeatmapSize
	if l.coarse {
		cells = CoarseHeatmapSize
	}
	pf := PaneFrame{Kind: p.spec.Kind, Epoch: p.epoch, Diverged: p.diverged, HeatmapCells: cells,
		Heatmap: make([]byte, 2*cells*cells), Predicted: make([]int, len(l.points))}
	p.model.draw(l, &pf, withNetwork)
	return pf
}

func (m perceptronModel) draw(l *Lab, pf *PaneFrame, withNetwork bool) {
	pf.Architecture = "perceptron"
	if m.Units() == 1 {
		// With more classes the regions are bounded by pieces of lines where two units tie;
		// the heatmap shows those, so no whole lines are drawn.
		pf.Lines = append(pf.Lines, [3]float32{m.Weights[0], m.Weights[1], m.Biases[0]})
	}
	g := heatmapGrids[pf.HeatmapCells]
	for c := range pf.HeatmapCells * pf.HeatmapCells {
		x := g[2*c : 2*c+2]
		class := m.Classify(x)
		pf.Heatmap[2*c] = byte(class)
		pf.Heatmap[2*c+1] = byte(255 * math.Tanh(2*perceptronMargin(m.Perceptron, x, class)))
	}
	for i, pt := range l.points {
		pf.Predicted[i] = m.Classify([]float32{pt.X, pt.Y})
	}
	// A perceptron has no smooth loss: its "loss" is the share of points it gets wrong.
	pf.TrainAccuracy = m.Accuracy(l.train)
	pf.TestAccuracy = m.Accuracy(l.test)
	pf.TrainLoss, pf.TestLoss = 1-pf.TrainAccuracy, 1-pf.TestAccuracy
	if l.test.Len() == 0 {
		pf.TestLoss, pf.TestAccuracy = 0, 0
	}
	if withNetwork {
		pf.Network = perceptronView(m.Perceptron)
	}
}

func (m *mlpModel) draw(l *Lab, pf *PaneFrame, withNetwork bool) {
	net := m.net
	pf.Architecture = net.Arch.String()
	if pf.Diverged || !net.Finite() {
		pf.Diverged = true
		pf.Message = "Training diverged: the numbers grew past what a computer can hold (NaN). Lower the learning rate and press reset."
		return
	}
	cells := pf.HeatmapCells * pf.HeatmapCells
	out := net.Forward(heatmapGrids[pf.HeatmapCells], cells)
	k := net.Arch.Outputs()
	for c := range cells {
		class, conf := confidence(out[c*k:(c+1)*k], l.spec.Classes)
		pf.Heatmap[2*c], pf.Heatmap[2*c+1] = byte(class), byte(255*conf)
	}
	pf.TrainLoss, pf.TrainAccuracy = l.score(net, false, pf.Predicted)
	pf.TestLoss, pf.TestAccuracy = l.score(net, true, pf.Predicted)
	if withNetwork {
		pf.Network = networkView(net)
	}
}

// score runs the training (or test) points through net in one batch, writes each one's
// predicted class into predicted (indexed like l.points) and returns the mean loss and the
// accuracy.
func (l *Lab) score(net *nn.Network, test bool, predicted []int) (loss, accuracy float64) {
	var index []int
	var x []float32
	for i, p := range l.points {
		if p.Test == test {
			index = append(index, i)
			x = append(x, p.X, p.Y)
		}
	}
	if len(index) == 0 {
		return 0, 0
	}
	k := net.Arch.Outputs()
	t := make([]float32, len(index)*k)
	for r, i := range index {
		label := l.points[i].Label
		if k == 1 {
			t[r] = float32(label)
		} else {
			t[r*k+label] = 1
		}
	}
	out := net.Forward(x, len(index))
	right := 0
	for r, i := range index {
		predicted[i] = nn.ClassOf(out[r*k : (r+1)*k])
		if predicted[i] == l.points[i].Label {
			right++
		}
	}
	return finite(net.Loss(t)), float64(right) / float64(len(index))
}

// perceptronMargin is how far x is from the perceptron's nearest boundary, in weighted-sum units:
// |s| for one unit, the chosen unit's lead over the runner-up for several.
func perceptronMargin(pc *nn.Perceptron, x []float32, class int) float64 {
	if pc.Units() == 1 {
		return math.Abs(float64(pc.WeightedSum(0, x)))
	}
	best, second := float64(pc.WeightedSum(class, x)), math.Inf(-1)
	for u := range pc.Units() {
		if u != class {
			second = math.Max(second, float64(pc.WeightedSum(u, x)))
		}
	}
	return best - second
}

// confidence turns an output row into a class and how sure the model is, 0 (a coin toss) to 1.
func confidence(out []float32, classes int) (int, float64) {
	if len(out) == 1 {
		v := float64(out[0])
		if v > 0.5 {
			return 1, math.Min(1, 2*(v-0.5))
		}
		return 0, math.Min(1, 2*(0.5-v))
	}
	best := nn.ClassOf(out)
	var sum float64
	for _, v := range out {
		sum += math.Max(0, float64(v))
	}
	if sum == 0 {
		return best, 0
	}
	share := float64(out[best]) / sum
	chance := 1 / float64(len(out))
	return best, math.Max(0, math.Min(1, (share-chance)/(1-chance)))
}

func inputThumbnails() [][]byte {
	n := ThumbnailSize * ThumbnailSize
	xs, ys := make([]byte, n), make([]byte, n)
	for c := range n {
		xs[c] = byte(255 * (float64(thumbnailGrid[2*c])/Extent + 1) / 2)
		ys[c] = byte(255 * (float64(thumbnailGrid[2*c+1])/Extent + 1) / 2)
	}
	return [][]byte{xs, ys}
}

// networkView draws every neuron's output over the square.
func networkView(net *nn.Network) *NetworkView {
	n := ThumbnailSize * ThumbnailSize
	net.Forward(thumbnailGrid, n)
	v := &NetworkView{Inputs: net.Arch.Inputs, InputThumbnails: inputThumbnails()}
	for _, d := range net.Layers {
		lv := LayerView{Activation: d.Activation.String(), Biases: append([]float32(nil), d.Biases...)}
		for i := range d.Inputs {
			lv.Weights = append(lv.Weights, append([]float32(nil), d.Weights[i*d.Units:(i+1)*d.Units]...))
		}
		outs := d.Outputs()
		for j := range d.Units {
			lo, hi := activationRange(d.Activation, outs, j, d.Units, n)
			th := make([]byte, n)
			for c := range n {
				th[c] = byte(255 * math.Max(0, math.Min(1, (float64(outs[c*d.Units+j])-lo)/(hi-lo))))
			}
			lv.Thumbnails = append(lv.Thumbnails, th)
		}
		v.Layers = append(v.Layers, lv)
	}
	return v
}

// activationRange is the range a neuron's thumbnail is scaled to: the activation's own for
// bounded ones, else symmetric around 0 out to the largest value seen.
func activationRange(a nn.Activation, outs []float32, j, units, n int) (float64, float64) {
	if lo, hi := a.Range(); !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
		return lo, hi
	}
	m := 1e-6
	for c := range n {
		m = math.Max(m, math.Abs(float64(outs[c*units+j])))
	}
	return -m, m
}

func perceptronView(pc *nn.Perceptron) *NetworkView {
	n := ThumbnailSize * ThumbnailSize
	lv := LayerView{Activation: "step", Biases: append([]float32(nil), pc.Biases...)}
	for i := range 2 {
		row := make([]float32, pc.Units())
		for u := range pc.Units() {
			row[u] = pc.Weights[u*2+i]
		}
		lv.Weights = append(lv.Weights, row)
	}
	for u := range pc.Units() {
		th := make([]byte, n)
		for c := range n {
			th[c] = byte(255 * nn.Step.Apply(pc.WeightedSum(u, thumbnailGrid[2*c:2*c+2])))
		}
		lv.Thumbnails = append(lv.Thumbnails, th)
	}
	return &NetworkView{Inputs: 2, Layers: []LayerView{lv}, InputThumbnails: inputThumbnails()}
}

// Bytes are the frame's pixels, which travel beside its JSON: "heatmap.P" for pane P's heatmap
// and, when the network was asked for, "thumbnails.P": every neuron's thumbnail one after the
// other (the inputs x and y, then each layer's neurons in order), ThumbnailSize² bytes each.
func (f Frame) Bytes() map[string][]byte {
	out := map[string][]byte{}
	for _, p := range f.Panes {
		out[fmt.Sprintf("heatmap.%d", p.Pane)] = p.Heatmap
		if v := p.Network; v != nil {
			var th []byte
			for _, t := range v.InputThumbnails {
				th = append(th, t...)
			}
			for _, l := range v.Layers {
				for _, t := range l.Thumbnails {
					th = append(th, t...)
				}
			}
			out[fmt.Sprintf("thumbnails.%d", p.Pane)] = th
		}
	}
	return out
}

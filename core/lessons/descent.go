package lessons

import (
	"errors"
	"fmt"
	"math"
)

// Landscape is a loss to roll a ball down: a curve with a pit (a local minimum) beside the
// valley (the global one), or a surface with a saddle point between two minima.
type Landscape struct {
	Name string
	Dims int
	Loss func(p [2]float64) float64
	Grad func(p [2]float64) [2]float64
}

// Landscapes by name.
var Landscapes = map[string]Landscape{
	// f(x) = 0.05x⁴ − 0.5x² + 0.4x: global minimum near x = −2.41, a pit near x = 1.99.
	"curve": {Name: "curve", Dims: 1,
		Loss: func(p [2]float64) float64 { x := p[0]; return 0.05*x*x*x*x - 0.5*x*x + 0.4*x },
		Grad: func(p [2]float64) [2]float64 { x := p[0]; return [2]float64{0.2*x*x*x - x + 0.4, 0} }},
	// f(x, y) = (x² − 1)² + 0.3x + 0.5y²: a saddle near (0, 0), the global minimum near
	// (−1.04, 0) and a local one near (0.96, 0).
	"surface": {Name: "surface", Dims: 2,
		Loss: func(p [2]float64) float64 { x, y := p[0], p[1]; return (x*x-1)*(x*x-1) + 0.3*x + 0.5*y*y },
		Grad: func(p [2]float64) [2]float64 { x, y := p[0], p[1]; return [2]float64{4*x*(x*x-1) + 0.3, y} }},
}

// Descent is a ball's path: every position and its loss.
type Descent struct {
	Path     [][2]float64 `json:"path"`
	Loss     []float64    `json:"loss"`
	Diverged bool         `json:"diverged"` // the ball left the picture
}

// Descend runs gradient descent with momentum from start: v = μv − η∇f, p += v.
func Descend(name string, start [2]float64, learningRate, momentum float64, steps int) (Descent, error) {
	l, ok := Landscapes[name]
	if !ok {
		return Descent{}, fmt.Errorf("unknown landscape %q: use curve or surface", name)
	}
	if !finite(learningRate) || learningRate <= 0 || learningRate > 10 {
		return Descent{}, errors.New("the learning rate must be above 0 and at most 10")
	}
	if !finite(momentum) || momentum < 0 || momentum >= 1 {
		return Descent{}, errors.New("momentum must be at least 0 and below 1")
	}
	if steps < 0 || steps > 5000 || !finite(start[0]) || !finite(start[1]) {
		return Descent{}, errors.New("steps must be between 0 and 5000")
	}
	if l.Dims == 1 {
		start[1] = 0
	}
	d := Descent{Path: [][2]float64{start}, Loss: []float64{l.Loss(start)}}
	p, v := start, [2]float64{}
	for range steps {
		g := l.Grad(p)
		for k := range l.Dims {
			v[k] = momentum*v[k] - learningRate*g[k]
			p[k] += v[k]
		}
		if math.Abs(p[0]) > 10 || math.Abs(p[1]) > 10 || !finite(p[0]) || !finite(p[1]) {
			d.Diverged = true
			break
		}
		d.Path = append(d.Path, p)
		d.Loss = append(d.Loss, l.Loss(p))
	}
	return d, nil
}

// Terrain samples a landscape for drawing: a curve on x in [-4, 4], or an n×n grid of losses over
// [-2, 2]² (row 0 at the top, y = +2).
type Terrain struct {
	Name string      `json:"name"`
	Dims int         `json:"dims"`
	X    []float64   `json:"x,omitempty"`
	Loss []float64   `json:"loss,omitempty"`
	Grid [][]float64 `json:"grid,omitempty"`
	Min  float64     `json:"min"`
	Max  float64     `json:"max"`
}

// Sample draws the named landscape.
func Sample(name string) (Terrain, error) {
	l, ok := Landscapes[name]
	if !ok {
		return Terrain{}, fmt.Errorf("unknown landscape %q: use curve or surface", name)
	}
	t := Terrain{Name: name, Dims: l.Dims, Min: math.Inf(1), Max: math.Inf(-1)}
	note := func(v float64) { t.Min, t.Max = math.Min(t.Min, v), math.Max(t.Max, v) }
	if l.Dims == 1 {
		for i := 0; i <= 400; i++ {
			x := -4 + 8*float64(i)/400
			v := l.Loss([2]float64{x, 0})
			t.X, t.Loss = append(t.X, x), append(t.Loss, v)
			note(v)
		}
		return t, nil
	}
	const n = 80
	for r := range n {
		row := make([]float64, n)
		y := 2 - 4*(float64(r)+0.5)/n
		for c := range n {
			x := -2 + 4*(float64(c)+0.5)/n
			row[c] = l.Loss([2]float64{x, y})
			note(row[c])
		}
		t.Grid = append(t.Grid, row)
	}
	return t, nil
}

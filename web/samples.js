// Digits as people draw them on the pad, in the pad's unit square: several of each, at several
// sizes and places, and the styles MNIST has few of (a crossed 7 and a z-like one in one stroke,
// an open 4, a 1 with a flag, a 9 with a small loop or a hooked tail, a 6 with a small loop, a
// 2 with a looped base, a flat-topped 3, slanted digits; core/mnist's Styles draws the same). Each drawing is a list of strokes; a stroke, a list of points.
// The pad's "Sample" button draws them (a keyboard's way to try the pad), and the browser tests
// draw them all with the mouse.

// arc is a stroke along an ellipse around (cx, cy), from angle a0 to a1 (radians, 0 = up,
// clockwise), as a pen moves.
const arc = (cx, cy, rx, ry, a0, a1, steps = 20) =>
  Array.from({ length: steps + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / steps;
    return [cx + rx * Math.sin(a), cy - ry * Math.cos(a)];
  });

const T = 2 * Math.PI;

// place maps a drawing made in the unit square into a box (x, y, size) with a slant (x drift per
// unit of height, leaning right for positive).
const place = (strokes, { x = 0, y = 0, size = 1, slant = 0 } = {}) =>
  strokes.map((s) => s.map(([px, py]) => [x + size * (px + slant * (0.5 - py)), y + size * py]));

const base = {
  0: [[arc(0.5, 0.5, 0.22, 0.33, 0, T + 0.3)]],
  1: [
    [[[0.52, 0.15], [0.5, 0.85]]],
    [[[0.38, 0.3], [0.53, 0.15], [0.52, 0.85]]], // with a flag
    [[[0.38, 0.3], [0.53, 0.15], [0.52, 0.85]], [[0.38, 0.85], [0.66, 0.85]]], // flag and foot
  ],
  2: [
    [[...arc(0.5, 0.35, 0.2, 0.18, -1.4, 2.2), [0.28, 0.82], [0.74, 0.82]]],
    [[...arc(0.5, 0.33, 0.22, 0.2, -1.4, 2.2), [0.3, 0.8], ...arc(0.34, 0.78, 0.08, 0.08, 3.1, 3.1 - T), [0.8, 0.84]]], // a looped base
  ],
  3: [
    [[...arc(0.48, 0.32, 0.18, 0.15, -1.3, 3.0), ...arc(0.48, 0.66, 0.2, 0.18, 0, 4.4)]],
    [[[0.28, 0.14], [0.72, 0.14], [0.46, 0.44], ...arc(0.48, 0.66, 0.23, 0.21, 0, 4.4)]], // a flat top
  ],
  4: [
    [[[0.55, 0.15], [0.25, 0.6], [0.75, 0.6]], [[0.6, 0.35], [0.6, 0.88]]], // closed
    [[[0.3, 0.15], [0.28, 0.58], [0.72, 0.58]], [[0.64, 0.15], [0.64, 0.88]]], // open
    [[[0.3, 0.12], [0.26, 0.58], [0.76, 0.58], [0.7, 0.16], [0.68, 0.9]]], // open, in one stroke
  ],
  5: [
    [[[0.7, 0.18], [0.35, 0.18], [0.32, 0.46], ...arc(0.48, 0.64, 0.21, 0.19, -1.2, 3.6)]],
    [[[0.35, 0.18], [0.32, 0.46], ...arc(0.48, 0.64, 0.21, 0.19, -1.2, 3.6)], [[0.35, 0.18], [0.72, 0.18]]], // bar last
  ],
  6: [
    [[[0.62, 0.14], ...arc(0.48, 0.66, 0.2, 0.2, 4.9, 4.9 - T + 0.2)]],
    [[[0.66, 0.1], [0.4, 0.5], ...arc(0.46, 0.74, 0.15, 0.14, 4.6, 4.6 - T + 0.1)]], // a small loop
  ],
  7: [
    [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]],
    [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]], [[0.4, 0.52], [0.72, 0.52]]], // crossed
    // In one stroke: the bar, the down-stroke, and back through the middle to cross it (z-like).
    [[[0.2, 0.16], [0.78, 0.14], [0.58, 0.5], [0.34, 0.52], [0.78, 0.5], [0.56, 0.52], [0.42, 0.9]]],
  ],
  8: [
    [[...arc(0.5, 0.32, 0.16, 0.16, 3.1, -3.1 + 0.2), ...arc(0.5, 0.66, 0.2, 0.19, 0, T)]],
  ],
  9: [
    [[...arc(0.5, 0.33, 0.19, 0.17, 1.6, 1.6 - T), [0.68, 0.36], [0.64, 0.86]]],
    [[...arc(0.56, 0.24, 0.1, 0.09, 1.6, 1.6 - T), [0.66, 0.26], [0.6, 0.86]]], // a small loop
    // A small loop and a long tail curving left at the bottom, like a g.
    [[...arc(0.55, 0.22, 0.12, 0.1, 1.6, 1.6 - T), [0.67, 0.26], [0.66, 0.7], ...arc(0.5, 0.7, 0.16, 0.2, 1.6, 3.9)]],
  ],
};

// The gallery: each base drawing as drawn (mid-size, centred), small and off-centre, and slanted.
export const gallery = [];
for (const [digit, styles] of Object.entries(base)) {
  styles.forEach((strokes, k) => {
    gallery.push({ digit: Number(digit), style: `${digit}.${k} centred`, strokes });
    gallery.push({ digit: Number(digit), style: `${digit}.${k} small, top left`, strokes: place(strokes, { x: 0.05, y: 0.04, size: 0.5 }) });
    gallery.push({ digit: Number(digit), style: `${digit}.${k} slanted`, strokes: place(strokes, { x: 0.06, y: 0.06, size: 0.88, slant: 0.3 }) });
  });
}

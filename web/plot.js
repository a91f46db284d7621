// The page's drawing helpers, used by every section: the palette and what its colours mean,
// line and bar charts with axis values, pixel and grid images, fitting a canvas to the screen,
// where a pointer falls on a canvas, the SVG element helper and $.

export const $ = (sel, root = document) => root.querySelector(sel);

// Class colours (class 0 orange, class 1 blue, ...) as [r, g, b].
export const palette = [
  [230, 120, 40], [40, 110, 200], [60, 170, 90], [200, 60, 150],
  [150, 110, 40], [110, 80, 200], [30, 160, 170], [120, 120, 120],
];
export const rgba = (c, a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;
export const classColor = (k, a = 1) => rgba(palette[k % palette.length], a);

// Named colours for lines and marks.
export const colors = {
  ink: "#1d2330", // training, "yours"
  test: "#c25a10", // test data, the paper's figures
  blue: "#286ec8",
  green: "#2f7d4a",
  grid: "#ddd",
  label: "#444",
  muted: "#999", // a target, a link not in use
  wire: "#555", // the neuron diagram's arrows
  path: "#e07020", // a path taken, the link in use
  ball: "#c0392b", // where gradient descent stands
  paper: "#fff",
  axis: "rgba(0,0,0,0.12)", // the plane's axes
  ring: "rgba(0,0,0,0.55)", // a test point's ring
};

// One meaning for a weight's sign everywhere: positive blue, negative orange (the lab's links,
// the digits' weight images, the legends that explain them).
export const positive = palette[1], negative = palette[0];
export const weightColor = (w, a = 1) => rgba(w >= 0 ? positive : negative, a);

// paintPixels fills canvas (resized to w×h) with one colour a pixel: color(i) → [r, g, b].
export function paintPixels(canvas, w, h, color) {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const c = color(i);
    img.data[4 * i] = c[0];
    img.data[4 * i + 1] = c[1];
    img.data[4 * i + 2] = c[2];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// mix is colour c at strength a (0..1) over white.
export const mix = (c, a) => [255 * (1 - a) + c[0] * a, 255 * (1 - a) + c[1] * a, 255 * (1 - a) + c[2] * a];

// greyImage paints bytes (0 paper .. 255 ink) as a width×height picture (square by default).
export function greyImage(canvas, bytes, width, height = width) {
  paintPixels(canvas, width, height, (i) => { const v = 255 - bytes[i]; return [v, v, v]; });
}

// signedImage paints bytes where 128 is 0: blue above, orange below (weightColor's meaning).
export function signedImage(canvas, bytes, size) {
  paintPixels(canvas, size, size, (i) => {
    const v = (bytes[i] - 127.5) / 127.5;
    return mix(v >= 0 ? positive : negative, Math.abs(v));
  });
}

// swapButtons disables off and enables on; if focus was on off (about to be disabled, which
// would drop it to the page), it moves to on, so a keyboard user stays where they were.
export function swapButtons(off, on) {
  const hadFocus = document.activeElement === off;
  on.disabled = false;
  off.disabled = true;
  if (hadFocus) on.focus();
}

// svg makes an SVG element with attributes.
export function svg(name, attrs = {}) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// niceTicks returns about n round numbers spanning [lo, hi].
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
  return ticks;
}

const fmt = (v) => (Math.abs(v) >= 1000 ? v.toLocaleString("en") : String(+v.toPrecision(4)));

// lineChart draws series on axes that carry their values, and returns the mapping from data to
// canvas (X, Y, and Y2 for a right-hand axis) so a caller can paint more on top.
//   opts.x, opts.y (and opts.y2): {min, max, label, format, log}
//   opts.series: [{points: [[x, y], ...], color, dash, width, dots, axis: 2, label}]
//   opts.marks: [{x, y, color, r, ring}]  (single points, e.g. a paper's figures; ring: hollow)
//   opts.bands: [{x, y0, y1, color}]        (a vertical range at x, e.g. a spread of results)
//   opts.legend: [{label, color, dash, mark}]  (more legend rows, one an entry)
//   opts.legendLine: [{label, color, dash}]    (a legend on one row, entries side by side)
//   opts.empty: text shown while there is nothing to draw
export function lineChart(canvas, opts) {
  fitCanvas(canvas);
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const font = Math.max(11, Math.round(H / 22));
  const rows = legendRows(opts) + (opts.legendLine ? 1 : 0);
  // The right margin leaves room for a dot drawn at the last x.
  const left = font * 4.4, right = opts.y2 ? font * 3.6 : Math.max(12, font), top = 8 + rows * (font + 4), bottom = font * 2.6;
  ctx.fillStyle = colors.paper;
  ctx.fillRect(0, 0, W, H);
  ctx.font = `${font}px system-ui, sans-serif`;
  const scale = (axis, lo, hi) => {
    const log = axis.log, f = (v) => (log ? Math.log10(Math.max(v, axis.min)) : v);
    const a = f(axis.min), b = f(axis.max);
    return (v) => lo + ((f(v) - a) / ((b - a) || 1)) * (hi - lo);
  };
  const X = scale(opts.x, left, W - right), Y = scale(opts.y, H - bottom, top);
  const Y2 = opts.y2 ? scale(opts.y2, H - bottom, top) : Y;
  const ticks = (axis) => (axis.ticks || (axis.log ? logTicks(axis.min, axis.max) : niceTicks(axis.min, axis.max, axis.count || 5)));
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.grid;
  ctx.fillStyle = colors.label;
  ctx.textAlign = "right";
  for (const v of ticks(opts.y)) {
    ctx.beginPath(); ctx.moveTo(left, Y(v)); ctx.lineTo(W - right, Y(v)); ctx.stroke();
    ctx.fillText((opts.y.format || fmt)(v), left - 4, Y(v) + font / 3);
  }
  if (opts.y2) {
    ctx.textAlign = "left";
    for (const v of ticks(opts.y2)) ctx.fillText((opts.y2.format || fmt)(v), W - right + 4, Y2(v) + font / 3);
  }
  ctx.textAlign = "center";
  for (const v of ticks(opts.x)) {
    ctx.beginPath(); ctx.moveTo(X(v), H - bottom); ctx.lineTo(X(v), H - bottom + 4); ctx.stroke();
    ctx.fillText((opts.x.format || fmt)(v), X(v), H - bottom + font + 3);
  }
  if (opts.x.label) ctx.fillText(opts.x.label, (left + W - right) / 2, H - 4);
  ctx.save();
  ctx.translate(font, (top + H - bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  if (opts.y.label) ctx.fillText(opts.y.label, 0, 0);
  ctx.restore();
  if (opts.y2 && opts.y2.label) {
    ctx.save();
    ctx.translate(W - font * 0.6, (top + H - bottom) / 2);
    ctx.rotate(Math.PI / 2);
    ctx.fillText(opts.y2.label, 0, 0);
    ctx.restore();
  }
  ctx.strokeStyle = "#999";
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, H - bottom); ctx.lineTo(W - right, H - bottom); ctx.stroke();
  ctx.textAlign = "left";
  const clampY = (v) => Math.max(top - 2, Math.min(H - bottom + 2, v));
  for (const b of opts.bands || []) {
    ctx.strokeStyle = b.color;
    ctx.lineWidth = Math.max(6, font / 2);
    ctx.globalAlpha = 0.35;
    ctx.beginPath(); ctx.moveTo(X(b.x), clampY(Y(b.y0))); ctx.lineTo(X(b.x), clampY(Y(b.y1))); ctx.stroke();
    ctx.globalAlpha = 1;
  }
  // Single marks first (a ring with ring: true), so a series' dot at the same place (yours after
  // one epoch, on the paper's 10%) is drawn over the mark, inside its ring, not hidden under it.
  for (const m of opts.marks || []) {
    const r = m.r || Math.max(4, font / 2.5);
    ctx.beginPath(); ctx.arc(X(m.x), clampY(Y(m.y)), m.ring ? r + 2 : r, 0, 7);
    if (m.ring) { ctx.strokeStyle = m.color; ctx.lineWidth = Math.max(2, font / 6); ctx.stroke(); }
    else { ctx.fillStyle = m.color; ctx.fill(); }
  }
  const drawn = (opts.series || []).filter((s) => s.points.length);
  for (const s of drawn) {
    const y = s.axis === 2 ? Y2 : Y;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width || 2;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    s.points.forEach(([px, py], i) => (i ? ctx.lineTo(X(px), clampY(y(py))) : ctx.moveTo(X(px), clampY(y(py)))));
    ctx.stroke();
    ctx.setLineDash([]);
    if (s.dots) {
      ctx.fillStyle = s.color;
      for (const [px, py] of s.points) { ctx.beginPath(); ctx.arc(X(px), clampY(y(py)), s.width ? s.width + 1.5 : 3.5, 0, 7); ctx.fill(); }
    }
  }
  // Legend: one row an entry, at the top; then the one-row legend, its entries side by side.
  let row = 0;
  for (const s of [...(opts.series || []).filter((s) => s.label), ...(opts.legend || [])]) {
    const y = 6 + row * (font + 4) + font / 2;
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width || 2;
    ctx.setLineDash(s.dash || []);
    if (s.mark) { ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(left + 10, y, 5, 0, 7); ctx.stroke(); }
    else { ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + 22, y); ctx.stroke(); }
    ctx.setLineDash([]);
    ctx.fillText(s.label, left + 28, y + font / 3);
    row++;
  }
  if (opts.legendLine) {
    const y = 6 + row * (font + 4) + font / 2;
    let x = left;
    for (const s of opts.legendLine) {
      ctx.strokeStyle = ctx.fillStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 22, y); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillText(s.label, x + 28, y + font / 3);
      x += 28 + ctx.measureText(s.label).width + font;
    }
  }
  if (!drawn.length && opts.empty) {
    // Word-wrapped to the plot's width: on a phone the sentence is wider than the chart.
    ctx.fillStyle = colors.label;
    ctx.textAlign = "left";
    const lines = [];
    for (const word of opts.empty.split(" ")) {
      const last = lines.length - 1;
      if (last >= 0 && ctx.measureText(`${lines[last]} ${word}`).width <= W - right - left - 16) lines[last] += ` ${word}`;
      else lines.push(word);
    }
    const lineHeight = font * 1.3, y0 = (top + H - bottom) / 2 - ((lines.length - 1) * lineHeight) / 2;
    lines.forEach((line, i) => ctx.fillText(line, left + 8, y0 + i * lineHeight));
  }
  // invert maps a point on the canvas (in canvas pixels) back to data, for clicks.
  const invert = (axis, lo, hi) => (p) => axis.min + ((p - lo) / ((hi - lo) || 1)) * (axis.max - axis.min);
  return { X, Y, Y2, ctx, font, invertX: invert(opts.x, left, W - right), invertY: invert(opts.y, H - bottom, top) };
}

// fitCanvas gives a canvas as many pixels as it shows on screen, times the device's pixel ratio
// (sharp on a 4K projector, and its text never shrinks below its size on a phone), keeping the
// shape its width and height attributes first gave it.
export function fitCanvas(canvas) {
  const shown = canvas.clientWidth;
  if (!shown) return;
  if (!canvas.dataset.aspect) canvas.dataset.aspect = canvas.height / canvas.width;
  const w = Math.min(2400, Math.round(shown * (window.devicePixelRatio || 1)));
  if (w !== canvas.width) {
    canvas.width = w;
    canvas.height = Math.round(w * Number(canvas.dataset.aspect));
  }
}

// canvasPoint is where a pointer event falls on canvas, in the canvas's own pixels.
export function canvasPoint(canvas, ev) {
  const r = canvas.getBoundingClientRect();
  return [((ev.clientX - r.left) / r.width) * canvas.width, ((ev.clientY - r.top) / r.height) * canvas.height];
}

// barChart draws one bar a value, each with its value above and its label below, on a linear
// or log axis (opts.log: the axis runs from opts.min, e.g. 1e-12, up to opts.max).
//   opts.bars: [{value, label}], opts.min, opts.max, opts.log, opts.color, opts.format(value)
export function barChart(canvas, opts) {
  fitCanvas(canvas);
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const font = Math.max(11, Math.round(H / 16)), bottom = font * 1.6, top = font * 1.6, left = font;
  ctx.fillStyle = colors.paper;
  ctx.fillRect(0, 0, W, H);
  ctx.font = `${font}px system-ui, sans-serif`;
  const f = (v) => (opts.log ? Math.log10(Math.max(v, opts.min)) : v);
  const height = (v) => Math.max(2, ((f(v) - f(opts.min)) / ((f(opts.max) - f(opts.min)) || 1)) * (H - top - bottom));
  const bw = (W - 2 * left) / Math.max(1, opts.bars.length);
  opts.bars.forEach((b, i) => {
    const h = height(b.value), x = left + i * bw;
    ctx.fillStyle = opts.color || colors.blue;
    ctx.fillRect(x, H - bottom - h, bw * 0.8, h);
    ctx.fillStyle = colors.label;
    ctx.textAlign = "center";
    ctx.fillText((opts.format || String)(b.value), x + bw * 0.4, H - bottom - h - 4);
    ctx.fillText(String(b.label), x + bw * 0.4, H - font * 0.4);
  });
  ctx.textAlign = "left";
}

// gridImage paints a matrix of values (rows of numbers between lo and hi) into the square at
// (x, y) of side side on ctx, each value coloured by color(t), t from 0 (lo) to 1 (hi), smoothed.
const gridCanvas = typeof document !== "undefined" ? document.createElement("canvas") : null;
export function gridImage(ctx, grid, lo, hi, x, y, side, color) {
  const n = grid.length;
  paintPixels(gridCanvas, n, n, (i) => color((grid[Math.floor(i / n)][i % n] - lo) / ((hi - lo) || 1)));
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(gridCanvas, x, y, side, side);
}

function legendRows(opts) {
  return (opts.series || []).filter((s) => s.label).length + (opts.legend || []).length;
}

function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) { const v = m * 10 ** e; if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v); }
  }
  return out;
}

// outputBars fills list (an <ol>) with a network's ten outputs as bars, the winner marked.
export function outputBars(list, outputs, winner) {
  list.textContent = "";
  const top = Math.max(...outputs.map(Math.abs), 1e-9);
  outputs.forEach((v, k) => {
    const li = document.createElement("li");
    li.className = k === winner ? "winner" : "";
    const span = (cls, text) => Object.assign(document.createElement("span"), { className: cls, textContent: text });
    const bar = span("bar", ""), fill = document.createElement("span");
    fill.style.width = Math.max(0, (100 * v) / top).toFixed(1) + "%"; // CSSOM, allowed by the CSP
    bar.appendChild(fill);
    li.append(span("d", String(k)), bar, span("v", v.toFixed(5)));
    list.appendChild(li);
  });
}

// featureMaps draws what each stage of an image network made of its last input, into container:
// for each stage a row of its channels' maps (stages: [{name, channels, height, width}], the
// maps one after the other in bytes). The canvases are made once for a network's layout and
// repainted after: a conv net has about a hundred maps.
export function featureMaps(container, stages, bytes) {
  const layout = stages.map((st) => `${st.name}:${st.channels}`).join(",");
  if (container.dataset.layout !== layout) {
    container.textContent = "";
    container.dataset.layout = layout;
    for (const st of stages) {
      const fig = document.createElement("figure");
      const row = Object.assign(document.createElement("div"), { className: "channels" });
      for (let c = 0; c < st.channels; c++) row.appendChild(document.createElement("canvas"));
      fig.append(row, Object.assign(document.createElement("figcaption"), {
        textContent: `${st.name}: ${st.channels} maps of ${st.height}×${st.width}`,
      }));
      container.appendChild(fig);
    }
  }
  let at = 0;
  stages.forEach((st, k) => {
    const n = st.height * st.width;
    const canvases = container.children[k].querySelectorAll("canvas");
    for (let c = 0; c < st.channels; c++, at += n) greyImage(canvases[c], bytes.subarray(at, at + n), st.width, st.height);
  });
}

// confusionTable fills table with a confusion matrix (rows: the digit meant, columns: the digit
// read), the right ones green, the confused ones orange as deep as they are many.
export function confusionTable(table, confusion) {
  table.textContent = "";
  const head = table.insertRow();
  head.insertCell().textContent = "true ↓ read as →";
  for (let k = 0; k < 10; k++) head.insertCell().textContent = k;
  const maxOff = Math.max(1, ...confusion.flatMap((row, i) => row.filter((_, j) => j !== i)));
  confusion.forEach((row, i) => {
    const tr = table.insertRow();
    tr.insertCell().textContent = i;
    row.forEach((v, j) => {
      const td = tr.insertCell();
      td.textContent = v;
      const a = i === j ? 0.25 : Math.min(1, v / maxOff) * 0.8;
      td.style.background = rgba(i === j ? palette[2] : palette[0], a); // right: green; confused: orange
    });
  });
}

// Drawing the lab: the plane (heatmap, points, perceptron lines), the loss/accuracy chart and the
// network. Everything drawn here was computed by the worker; this file only paints it.
import { classColor, colors, lineChart, mix, paintPixels, palette, svg, weightColor } from "./plot.js";

const heatCanvas = document.createElement("canvas");

// Every colour the heatmap and the neurons' thumbnails can take, computed once: a frame paints
// thousands of cells and must not work out (or allocate) a colour for each.
const heatColors = palette.map((c) => Array.from({ length: 256 }, (_, a) => mix(c, 0.12 + 0.5 * (a / 255))));
// Low → orange, high → blue: the colours of classes 0 and 1, so an output neuron's thumbnail
// matches the heatmap.
const thumbColors = Array.from({ length: 256 }, (_, t) => mix(t < 128 ? palette[0] : palette[1], Math.abs(t / 255 - 0.5) * 2));

// drawPlane paints one pane's plane: the heatmap (class colour, paler where the model is
// unsure), the points (filled: training; ringed: test; crossed: misclassified) and, for the
// perceptron, its line.
export function drawPlane(canvas, frame, pane, heat, heatSize) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const ext = frame.extent;
  const toX = (x) => ((x + ext) / (2 * ext)) * W;
  const toY = (y) => ((ext - y) / (2 * ext)) * H;
  ctx.fillStyle = colors.paper;
  ctx.fillRect(0, 0, W, H);
  if (heat && heat.length === 2 * heatSize * heatSize) {
    paintPixels(heatCanvas, heatSize, heatSize, (c) => heatColors[heat[2 * c] % palette.length][heat[2 * c + 1]]);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(heatCanvas, 0, 0, W, H);
  }
  // Axes.
  ctx.strokeStyle = colors.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(toX(0), 0); ctx.lineTo(toX(0), H);
  ctx.moveTo(0, toY(0)); ctx.lineTo(W, toY(0));
  ctx.stroke();
  // Perceptron lines: w1 x + w2 y + b = 0.
  for (const [w1, w2, b] of pane.lines || []) {
    ctx.strokeStyle = colors.ink;
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    if (Math.abs(w2) > Math.abs(w1)) {
      ctx.moveTo(toX(-ext), toY((-b + w1 * ext) / w2));
      ctx.lineTo(toX(ext), toY((-b - w1 * ext) / w2));
    } else if (w1 !== 0) {
      ctx.moveTo(toX((-b + w2 * ext) / w1), toY(-ext));
      ctx.lineTo(toX((-b - w2 * ext) / w1), toY(ext));
    }
    ctx.stroke();
  }
  const r = Math.max(3, W / 110);
  ctx.drawImage(pointsLayer(canvas, frame.points, toX, toY, r), 0, 0);
  if (pane.diverged || !pane.predicted) return;
  ctx.strokeStyle = colors.ink;
  ctx.lineWidth = 1.8;
  ctx.beginPath();
  frame.points.forEach((p, i) => {
    if (pane.predicted[i] === p.label) return;
    const x = toX(p.x), y = toY(p.y);
    ctx.moveTo(x - r - 2, y - r - 2); ctx.lineTo(x + r + 2, y + r + 2);
    ctx.moveTo(x + r + 2, y - r - 2); ctx.lineTo(x - r - 2, y + r + 2);
  });
  ctx.stroke();
}

// Each plane's points are drawn once into a layer of their own, reused every frame while the
// points (the same array: the page keeps it until they change) and the plane's size stay: a few
// hundred circles were most of a frame's painting. Each point is stamped from a small picture of
// its kind (class, training or test), drawn once: stamping is many times cheaper than drawing
// hundreds of circles, and a page's first frame waits for it.
const pointLayers = new WeakMap(); // plane canvas → {points, width, canvas}

function pointsLayer(plane, points, toX, toY, r) {
  const last = pointLayers.get(plane);
  if (last && last.points === points && last.width === plane.width) return last.canvas;
  const layer = last ? last.canvas : document.createElement("canvas");
  layer.width = plane.width;
  layer.height = plane.height;
  const ctx = layer.getContext("2d");
  const stamps = new Map(), half = Math.ceil(r + 2);
  for (const p of points) {
    const key = p.label * 2 + (p.test ? 1 : 0);
    if (!stamps.has(key)) stamps.set(key, pointStamp(p.label, p.test, r, half));
    ctx.drawImage(stamps.get(key), Math.round(toX(p.x)) - half, Math.round(toY(p.y)) - half);
  }
  pointLayers.set(plane, { points, width: plane.width, canvas: layer });
  return layer;
}

// pointStamp draws one point of class label (filled: training; ringed: test) of radius r at the
// centre of a square canvas 2·half pixels wide.
function pointStamp(label, test, r, half) {
  const stamp = Object.assign(document.createElement("canvas"), { width: 2 * half, height: 2 * half });
  const ctx = stamp.getContext("2d");
  ctx.beginPath();
  ctx.arc(half, half, r, 0, 2 * Math.PI);
  if (test) {
    ctx.fillStyle = colors.paper;
    ctx.fill();
    ctx.lineWidth = 2.2;
    ctx.strokeStyle = classColor(label);
  } else {
    ctx.fillStyle = classColor(label);
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = colors.ring;
  }
  ctx.stroke();
  return stamp;
}

// drawChart plots loss (solid) and accuracy (dashed) for training (dark) and test (orange) over
// the epochs seen so far.
export function drawChart(canvas, history) {
  // Over many epochs a jumpy series (the perceptron's share of mistakes) becomes a barcode: it is
  // drawn as its moving average over about a fiftieth of the run.
  const win = Math.max(1, Math.round(history.length / 50));
  const pts = (key) => history.map((h, i) => {
    let sum = 0, n = 0;
    for (let j = Math.max(0, i - win + 1); j <= i; j++) { sum += history[j][key]; n++; }
    return [h.epoch, sum / n];
  });
  const maxLoss = Math.max(1, ...history.map((h) => Math.max(h.trainLoss, h.testLoss)));
  lineChart(canvas, {
    x: { min: history.length ? history[0].epoch : 0, max: Math.max(1, history.length ? history[history.length - 1].epoch : 1), label: "epoch" },
    y: { min: 0, max: maxLoss, label: "loss · accuracy" },
    series: history.length < 2 ? [] : [
      { points: pts("trainLoss"), color: colors.ink }, { points: pts("testLoss"), color: colors.test },
      { points: pts("trainAccuracy"), color: colors.ink, dash: [5, 4] }, { points: pts("testAccuracy"), color: colors.test, dash: [5, 4] },
    ],
    legendLine: [{ label: "train loss", color: colors.ink }, { label: "test loss", color: colors.test },
      { label: "accuracy", color: colors.ink, dash: [5, 4] }],
    empty: "Loss and accuracy appear here while it trains.",
  });
}

// drawNetwork draws the network as columns of neurons (each showing its output over the plane,
// painted from thumbs: thumbSize² bytes a neuron, inputs first) joined by links coloured by sign
// (weightColor) and as thick as the weight is large. onPick(layer, from, to, value) is called
// when a link or a neuron's bias is clicked. The drawing is built once for a shape of network
// and then updated in place: while training it is redrawn several times a second.
export function drawNetwork(container, net, thumbs, thumbSize, onPick) {
  if (!net) {
    container.textContent = "";
    container.view = null;
    return;
  }
  const cols = [net.inputs, ...net.layers.map((l) => l.biases.length)];
  let view = container.view;
  if (!view || view.shape !== cols.join("-")) view = container.view = buildNetwork(container, cols, thumbSize);
  view.net = net;
  view.onPick = onPick;
  let maxW = 1e-6;
  for (const l of net.layers) for (const row of l.weights) for (const w of row) maxW = Math.max(maxW, Math.abs(w));
  for (const link of view.links) {
    const w = net.layers[link.layer].weights[link.from][link.to];
    link.line.setAttribute("stroke", weightColor(w));
    link.line.setAttribute("stroke-width", (0.5 + 5 * Math.abs(w) / maxW).toFixed(2));
    link.title.textContent = link.text(w);
  }
  const n = thumbSize * thumbSize;
  view.neurons.forEach((neuron, k) => {
    const t = thumbs ? thumbs.subarray(k * n, (k + 1) * n) : new Uint8Array(n);
    paintPixels(neuron.canvas, thumbSize, thumbSize, (i) => thumbColors[t[i]]);
    if (neuron.layer >= 0) neuron.title.textContent = neuron.text(net.layers[neuron.layer].biases[neuron.row]);
  });
}

// buildNetwork makes the drawing of a network with cols neurons a column (inputs first) and
// returns its parts for drawNetwork to fill in: links, neurons, and the current net and onPick.
function buildNetwork(container, cols, thumbSize) {
  const hadFocus = container.contains(document.activeElement); // kept across rebuilds
  container.textContent = "";
  const view = { shape: cols.join("-"), links: [], neurons: [], net: null, onPick: null };
  const maxRows = Math.max(...cols);
  const node = 34, gapY = 10, gapX = 90;
  const W = (cols.length - 1) * gapX + node + 20, H = maxRows * (node + gapY) + 10;
  // One tab stop for the whole network: arrow keys pick a weight, Enter changes it.
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "group", tabindex: 0,
    "aria-label": "The network: neurons and the weights between them. Arrow keys pick a weight, Enter changes it." });
  const pos = (c, r) => [10 + c * gapX, 5 + (H - 10 - cols[c] * (node + gapY)) / 2 + r * (node + gapY)];
  for (let li = 0; li + 1 < cols.length; li++) {
    for (let i = 0; i < cols[li]; i++) for (let j = 0; j < cols[li + 1]; j++) {
      const [x1, y1] = pos(li, i), [x2, y2] = pos(li + 1, j);
      const line = svg("line", { x1: x1 + node, y1: y1 + node / 2, x2, y2: y2 + node / 2, "stroke-opacity": 0.75, class: "link", tabindex: -1 });
      const title = svg("title");
      line.appendChild(title);
      const from = li === 0 ? "xy"[i] || "input " + i : "neuron " + (i + 1);
      const link = {
        line, title, layer: li, from: i, to: j,
        text: (w) => `layer ${li + 1}: weight from ${from} to neuron ${j + 1} = ${w.toFixed(3)} (click to change)`,
        pick: () => view.onPick(li, i, j, view.net.layers[li].weights[i][j]),
      };
      line.addEventListener("click", link.pick);
      view.links.push(link);
      root.appendChild(line);
    }
  }
  cols.forEach((count, c) => {
    for (let r = 0; r < count; r++) {
      const [x, y] = pos(c, r);
      const holder = svg("foreignObject", { x, y, width: node, height: node, class: "neuron" });
      const canvas = Object.assign(document.createElement("canvas"), { width: thumbSize, height: thumbSize });
      holder.appendChild(canvas);
      const title = svg("title");
      const neuron = { canvas, title, layer: c - 1, row: r };
      if (c === 0) title.textContent = `input ${"xy"[r]}`;
      else {
        const activation = () => view.net.layers[c - 1].activation;
        neuron.text = (b) => `layer ${c}, neuron ${r + 1} (${activation()}): bias ${b.toFixed(3)} (click to change)`;
        holder.addEventListener("click", () => view.onPick(c - 1, -1, r, view.net.layers[c - 1].biases[r]));
      }
      view.neurons.push(neuron);
      holder.appendChild(title);
      root.appendChild(holder);
      root.appendChild(svg("rect", { x, y, width: node, height: node, fill: "none", stroke: colors.wire, "stroke-width": 1, "pointer-events": "none" }));
    }
  });
  const said = Object.assign(document.createElement("p"), { className: "sr-only" });
  said.setAttribute("aria-live", "polite");
  const links = view.links;
  const select = (k, announce) => {
    k = (k + links.length) % links.length;
    container.dataset.selected = k;
    links.forEach((l, j) => l.line.classList.toggle("selected", j === k));
    if (announce) said.textContent = links[k].title.textContent.replace(" (click to change)", "");
  };
  if (links.length) select(Number(container.dataset.selected) || 0, false);
  root.addEventListener("keydown", (e) => {
    const k = Number(container.dataset.selected) || 0;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") select(k + 1, true);
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") select(k - 1, true);
    else if (e.key === "Enter" && links[k]) links[k].pick();
    else return;
    e.preventDefault();
  });
  container.append(root, said);
  if (hadFocus) root.focus({ preventScroll: true });
  return view;
}

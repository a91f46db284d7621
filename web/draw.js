// Drawing the lab: the plane (heatmap, points, perceptron lines), the loss/accuracy chart and the
// network. Everything drawn here was computed by the worker; this file only paints it.
import { classColor, colors, lineChart, mix, paintPixels, palette, svg, weightColor } from "./plot.js";

const heatCanvas = document.createElement("canvas");

// drawPlane paints one pane's plane: the heatmap (class colour, paler where the model is
// unsure), the points (filled: training; ringed: test; crossed: misclassified) and, for the
// perceptron, its line.
export function drawPlane(canvas, frame, pane, heat, heatSize) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const ext = frame.extent;
  const toX = (x) => ((x + ext) / (2 * ext)) * W;
  const toY = (y) => ((ext - y) / (2 * ext)) * H;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  if (heat && heat.length === 2 * heatSize * heatSize) {
    paintPixels(heatCanvas, heatSize, heatSize, (c) => mix(palette[heat[2 * c] % palette.length], 0.12 + 0.5 * (heat[2 * c + 1] / 255)));
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(heatCanvas, 0, 0, W, H);
  }
  // Axes.
  ctx.strokeStyle = "rgba(0,0,0,0.12)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(toX(0), 0); ctx.lineTo(toX(0), H);
  ctx.moveTo(0, toY(0)); ctx.lineTo(W, toY(0));
  ctx.stroke();
  // Perceptron lines: w1 x + w2 y + b = 0.
  for (const [w1, w2, b] of pane.lines || []) {
    ctx.strokeStyle = "#1d2330";
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
  frame.points.forEach((p, i) => {
    const x = toX(p.x), y = toY(p.y);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    if (p.test) {
      ctx.fillStyle = "#fff";
      ctx.fill();
      ctx.lineWidth = 2.2;
      ctx.strokeStyle = classColor(p.label);
      ctx.stroke();
    } else {
      ctx.fillStyle = classColor(p.label);
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = "rgba(0,0,0,0.55)";
      ctx.stroke();
    }
    if (pane.predicted && pane.predicted[i] !== p.label && !pane.diverged) {
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 1.8;
      ctx.beginPath();
      ctx.moveTo(x - r - 2, y - r - 2); ctx.lineTo(x + r + 2, y + r + 2);
      ctx.moveTo(x + r + 2, y - r - 2); ctx.lineTo(x - r - 2, y + r + 2);
      ctx.stroke();
    }
  });
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
    legendRows: 1,
    empty: "Loss and accuracy appear here while it trains.",
  });
  const ctx = canvas.getContext("2d"), font = Math.max(11, Math.round(canvas.height / 22));
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.fillStyle = colors.ink;
  ctx.fillText("— loss   - - accuracy   ■ train", font * 4.4, font);
  ctx.fillStyle = colors.test;
  ctx.fillText("■ test", font * 4.4 + ctx.measureText("— loss   - - accuracy   ■ train  ").width, font);
}

// drawNetwork draws the network as columns of neurons (each showing its output over the plane,
// painted from thumbs: thumbSize² bytes a neuron, inputs first) joined by links coloured by sign
// (weightColor) and as thick as the weight is large. onPick(layer, from, to, value) is called
// when a link or a neuron's bias is clicked.
export function drawNetwork(container, net, thumbs, thumbSize, onPick) {
  const hadFocus = container.contains(document.activeElement); // kept across redraws
  container.textContent = "";
  if (!net) return;
  const cols = [net.inputs, ...net.layers.map((l) => l.biases.length)];
  const maxRows = Math.max(...cols);
  const node = 34, gapY = 10, gapX = 90;
  const W = (cols.length - 1) * gapX + node + 20, H = maxRows * (node + gapY) + 10;
  // One tab stop for the whole network: arrow keys pick a weight, Enter changes it.
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "group", tabindex: 0,
    "aria-label": "The network: neurons and the weights between them. Arrow keys pick a weight, Enter changes it." });
  const links = [];
  const pos = (c, r) => [10 + c * gapX, 5 + (H - 10 - cols[c] * (node + gapY)) / 2 + r * (node + gapY)];
  let maxW = 1e-6;
  for (const l of net.layers) for (const row of l.weights) for (const w of row) maxW = Math.max(maxW, Math.abs(w));
  net.layers.forEach((layer, li) => {
    layer.weights.forEach((row, i) => row.forEach((w, j) => {
      const [x1, y1] = pos(li, i), [x2, y2] = pos(li + 1, j);
      const line = svg("line", {
        x1: x1 + node, y1: y1 + node / 2, x2, y2: y2 + node / 2,
        stroke: weightColor(w), "stroke-width": (0.5 + 5 * Math.abs(w) / maxW).toFixed(2),
        "stroke-opacity": 0.75, class: "link", tabindex: -1,
      });
      const title = svg("title");
      title.textContent = `layer ${li + 1}: weight from ${li === 0 ? "xy"[i] || "input " + i : "neuron " + (i + 1)} to neuron ${j + 1} = ${w.toFixed(3)} (click to change)`;
      line.appendChild(title);
      const pick = () => onPick(li, i, j, w);
      line.addEventListener("click", pick);
      links.push({ line, pick, text: title.textContent });
      root.appendChild(line);
    }));
  });
  const n = thumbSize * thumbSize;
  let k = 0; // which thumbnail in thumbs
  cols.forEach((count, c) => {
    for (let r = 0; r < count; r++, k++) {
      const [x, y] = pos(c, r);
      const holder = svg("foreignObject", { x, y, width: node, height: node, class: "neuron" });
      const canvas = document.createElement("canvas");
      const t = thumbs ? thumbs.subarray(k * n, (k + 1) * n) : new Uint8Array(n);
      // Low → orange, high → blue: the colours of classes 0 and 1, so an output neuron's
      // thumbnail matches the heatmap.
      paintPixels(canvas, thumbSize, thumbSize, (i) => mix(t[i] < 128 ? palette[0] : palette[1], Math.abs(t[i] / 255 - 0.5) * 2));
      holder.appendChild(canvas);
      const title = svg("title");
      if (c === 0) title.textContent = `input ${"xy"[r]}`;
      else {
        const b = net.layers[c - 1].biases[r];
        title.textContent = `layer ${c}, neuron ${r + 1} (${net.layers[c - 1].activation}): bias ${b.toFixed(3)} (click to change)`;
        holder.addEventListener("click", () => onPick(c - 1, -1, r, b));
      }
      holder.appendChild(title);
      root.appendChild(holder);
      root.appendChild(svg("rect", { x, y, width: node, height: node, fill: "none", stroke: "#555", "stroke-width": 1, "pointer-events": "none" }));
    }
  });
  const said = Object.assign(document.createElement("p"), { className: "sr-only" });
  said.setAttribute("aria-live", "polite");
  const select = (k, announce) => {
    k = (k + links.length) % links.length;
    container.dataset.selected = k;
    links.forEach((l, j) => l.line.classList.toggle("selected", j === k));
    if (announce) said.textContent = links[k].text.replace(" (click to change)", "");
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
}

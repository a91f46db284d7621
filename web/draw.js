// Drawing: the plane (heatmap, points, perceptron lines), the loss/accuracy chart and the
// network. Everything drawn here was computed by the worker; this file only paints it.

export const palette = [
  [230, 120, 40], [40, 110, 200], [60, 170, 90], [200, 60, 150],
  [150, 110, 40], [110, 80, 200], [30, 160, 170], [120, 120, 120],
];
const css = (c, a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;
export const classColor = (k, a = 1) => css(palette[k % palette.length], a);

export function base64Bytes(s) {
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const heatCanvas = document.createElement("canvas");

// drawPlane paints one pane's plane: the heatmap (class colour, paler where the model is
// unsure), the points (filled: training; ringed: test; crossed: misclassified) and, for the
// perceptron, its line.
export function drawPlane(canvas, frame, pane, heatSize) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const ext = frame.extent;
  const toX = (x) => ((x + ext) / (2 * ext)) * W;
  const toY = (y) => ((ext - y) / (2 * ext)) * H;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  const heat = base64Bytes(pane.heatmap);
  if (heat.length === 2 * heatSize * heatSize) {
    heatCanvas.width = heatCanvas.height = heatSize;
    const hctx = heatCanvas.getContext("2d");
    const img = hctx.createImageData(heatSize, heatSize);
    for (let c = 0; c < heatSize * heatSize; c++) {
      const col = palette[heat[2 * c] % palette.length];
      const a = 0.12 + 0.5 * (heat[2 * c + 1] / 255);
      img.data[4 * c] = Math.round(255 * (1 - a) + col[0] * a);
      img.data[4 * c + 1] = Math.round(255 * (1 - a) + col[1] * a);
      img.data[4 * c + 2] = Math.round(255 * (1 - a) + col[2] * a);
      img.data[4 * c + 3] = 255;
    }
    hctx.putImageData(img, 0, 0);
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
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, pad = 26;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "#555";
  if (history.length < 2) {
    ctx.fillText("Loss and accuracy appear here while it trains.", pad, H / 2);
    return;
  }
  const maxEpoch = history[history.length - 1].epoch || 1;
  const maxLoss = Math.max(1e-6, ...history.map((h) => Math.max(h.trainLoss, h.testLoss)));
  const X = (e) => pad + (e / maxEpoch) * (W - pad - 8);
  const Y = (v) => H - pad + 4 - v * (H - pad - 10);
  ctx.strokeStyle = "#ddd";
  ctx.beginPath();
  ctx.moveTo(pad, Y(0)); ctx.lineTo(W - 8, Y(0));
  ctx.moveTo(pad, Y(1)); ctx.lineTo(W - 8, Y(1));
  ctx.stroke();
  const series = [
    ["trainLoss", "#1d2330", [], maxLoss], ["testLoss", "#e07020", [], maxLoss],
    ["trainAccuracy", "#1d2330", [5, 4], 1], ["testAccuracy", "#e07020", [5, 4], 1],
  ];
  for (const [key, color, dash, scale] of series) {
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    ctx.lineWidth = 2;
    ctx.beginPath();
    history.forEach((h, i) => {
      const x = X(h.epoch), y = Y(h[key] / scale);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = "#333";
  ctx.fillText(`epoch ${maxEpoch}`, W - 80, H - 6);
  ctx.fillText("— loss   - - accuracy   ■ train  ", pad, 12);
  ctx.fillStyle = "#e07020";
  ctx.fillText("■ test", pad + 190, 12);
}

// thumbnailURL turns a neuron's bytes into a small greyscale-to-colour image.
function thumbnailURL(bytes, size) {
  const c = document.createElement("canvas");
  c.width = c.height = size;
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    // Low → orange, high → blue: the colours of classes 0 and 1, so an output neuron's
    // thumbnail matches the heatmap.
    const v = bytes[i] / 255;
    const col = v < 0.5 ? palette[0] : palette[1];
    const a = Math.abs(v - 0.5) * 2;
    img.data[4 * i] = 255 * (1 - a) + col[0] * a;
    img.data[4 * i + 1] = 255 * (1 - a) + col[1] * a;
    img.data[4 * i + 2] = 255 * (1 - a) + col[2] * a;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c.toDataURL();
}

const svgNS = "http://www.w3.org/2000/svg";
const el = (name, attrs) => {
  const e = document.createElementNS(svgNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

// drawNetwork draws the network as columns of neurons (each showing its output over the plane)
// joined by links coloured by sign and sized by weight. onPick(layer, from, to, value) is called
// when a link or a neuron's bias is clicked.
export function drawNetwork(container, net, thumbSize, onPick) {
  container.textContent = "";
  if (!net) return;
  const cols = [net.inputThumbnails.length, ...net.layers.map((l) => l.biases.length)];
  const maxRows = Math.max(...cols);
  const node = 34, gapY = 10, gapX = 90;
  const W = (cols.length - 1) * gapX + node + 20, H = maxRows * (node + gapY) + 10;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" });
  const pos = (c, r) => [10 + c * gapX, 5 + (H - 10 - cols[c] * (node + gapY)) / 2 + r * (node + gapY)];
  let maxW = 1e-6;
  for (const l of net.layers) for (const row of l.weights) for (const w of row) maxW = Math.max(maxW, Math.abs(w));
  net.layers.forEach((layer, li) => {
    layer.weights.forEach((row, i) => row.forEach((w, j) => {
      const [x1, y1] = pos(li, i), [x2, y2] = pos(li + 1, j);
      const line = el("line", {
        x1: x1 + node, y1: y1 + node / 2, x2, y2: y2 + node / 2,
        stroke: w >= 0 ? classColor(1) : classColor(0), // positive: blue, negative: orange "stroke-width": 0.5 + 5 * Math.abs(w) / maxW,
        "stroke-opacity": 0.75, class: "link", tabindex: 0,
      });
      const title = el("title", {});
      title.textContent = `layer ${li + 1}: weight from ${li === 0 ? "xy"[i] || "input " + i : "neuron " + (i + 1)} to neuron ${j + 1} = ${w.toFixed(3)} (click to change)`;
      line.appendChild(title);
      const pick = () => onPick(li, i, j, w);
      line.addEventListener("click", pick);
      line.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(); });
      svg.appendChild(line);
    }));
  });
  const thumbs = [net.inputThumbnails, ...net.layers.map((l) => l.thumbnails)];
  thumbs.forEach((list, c) => list.forEach((t, r) => {
    const [x, y] = pos(c, r);
    const img = el("image", { x, y, width: node, height: node, href: thumbnailURL(base64Bytes(t), thumbSize), class: "neuron" });
    const title = el("title", {});
    if (c === 0) title.textContent = `input ${"xy"[r]}`;
    else {
      const b = net.layers[c - 1].biases[r];
      title.textContent = `layer ${c}, neuron ${r + 1} (${net.layers[c - 1].activation}): bias ${b.toFixed(3)} (click to change)`;
      img.addEventListener("click", () => onPick(c - 1, -1, r, b));
    }
    img.appendChild(title);
    svg.appendChild(img);
    svg.appendChild(el("rect", { x, y, width: node, height: node, fill: "none", stroke: "#555", "stroke-width": 1, "pointer-events": "none" }));
  }));
  container.appendChild(svg);
}

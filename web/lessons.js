// The paper's chapters as live figures. Every number drawn here is computed by the Go core in the
// lessons' own worker (messages: core/engine/protocol.go); this file asks and paints.
import { sceneState, toHash } from "./state.js";
import { $, barChart, canvasPoint, classColor, colors, fitCanvas, gridImage, lineChart, svg, swapButtons, weightColor } from "./plot.js";
import { connect } from "./rpc.js";

let worker, notice = () => {};
const started = new Set();
const ask = (msg) => worker.ask(msg);

// The lab's handler answers the overfitting and initialisation lessons, in this same worker,
// with the lab's own scenes (its catalogue, asked for once).
const askLab = (msg) => ask({ ...msg, page: "lab" });
let labCatalogue = null;
async function labScene(name) {
  if (!labCatalogue) labCatalogue = await askLab({ type: "catalogue" });
  return sceneState(labCatalogue, name);
}
const zip = (xs, ys) => xs.map((x, i) => [x, ys[i]]);

// Shows a slider's value beside it.
function showValue(input) {
  const out = input.parentElement.querySelector("output");
  if (out) out.textContent = Number(input.value).toFixed(input.step && input.step < 1 ? 2 : 0);
}

// ---------------------------------------------------------------------------------------------
// The neuron.

let activationCurves = null;

async function neuron() {
  const v = (id) => Number($(id).value);
  const msg = {
    type: "neuron",
    neuron: { inputs: [v("#nx0"), v("#nx1"), v("#nx2")], weights: [v("#nw0"), v("#nw1"), v("#nw2")], bias: v("#nb"), activation: $("#nAct").value },
  };
  const r = await ask(msg);
  if (r.type !== "neuron") return;
  const n = msg.neuron, res = r.result, f = (x) => (x < 0 ? "(" + x.toFixed(2) + ")" : x.toFixed(2));
  const terms = n.inputs.map((x, k) => `${f(x)}·${f(n.weights[k])}`).join(" + ");
  $("#nEquation").innerHTML = "";
  $("#nEquation").append(
    `weighted sum = ${terms} + ${f(n.bias)} = `, Object.assign(document.createElement("b"), { textContent: res.weightedSum.toFixed(3) }),
    document.createElement("br"),
    `output = ${n.activation}(${res.weightedSum.toFixed(3)}) = `, Object.assign(document.createElement("b"), { id: "nOutput", textContent: res.output.toFixed(3) }),
  );
  drawNeuron(n, res);
  $("#nEquation").dataset.sum = res.weightedSum;
  $("#nEquation").dataset.output = res.output;
  if (!activationCurves) activationCurves = (await ask({ type: "activations", s: 0, layers: 1 })).curves;
  const curve = activationCurves.find((c) => c.name === n.activation);
  const pad = 0.1 * (curve.max - curve.min), top = curve.max + pad, bottom = curve.min - pad;
  const s = Math.max(-6, Math.min(6, res.weightedSum));
  lineChart($("#nCanvas"), {
    x: { min: -6, max: 6, label: "weighted sum s" }, y: { min: bottom, max: top, label: "output" },
    series: [{ points: zip(curve.x, curve.y), color: colors.blue, width: 2.5 }],
    marks: [{ x: s, y: res.output, color: colors.test, r: 7 }],
  });
}

// drawNeuron draws the neuron itself: each input travels along its weight (blue positive, orange
// negative, thicker when larger) into the weighted sum, which the activation turns into the output.
function drawNeuron(n, res) {
  const fig = $("#nDiagram");
  fig.textContent = "";
  const add = (name, attrs, text) => { const e = svg(name, attrs); if (text !== undefined) e.textContent = text; fig.appendChild(e); return e; };
  const sumAt = [250, 100], f2 = (v) => v.toFixed(2);
  n.inputs.forEach((x, k) => {
    const y = 35 + 67 * k, w = n.weights[k];
    add("line", { x1: 68, y1: y, x2: sumAt[0] - 30, y2: sumAt[1], stroke: weightColor(w), "stroke-width": (1 + 3 * Math.abs(w)).toFixed(1) });
    add("circle", { cx: 40, cy: y, r: 28, class: "node" });
    add("text", { x: 40, y: y + 5, class: "nlabel" }, `x${"₁₂₃"[k]}=${f2(x)}`);
    add("text", { x: 135, y: (y + sumAt[1]) / 2 - 6, class: "nlabel" }, `w${"₁₂₃"[k]}=${f2(w)}`);
  });
  add("circle", { cx: sumAt[0], cy: sumAt[1], r: 30, class: "node" });
  add("text", { x: sumAt[0], y: sumAt[1] - 4, class: "nlabel" }, "Σ + b");
  add("text", { x: sumAt[0], y: sumAt[1] + 14, class: "nlabel" }, `s=${f2(res.weightedSum)}`);
  add("line", { x1: 280, y1: 100, x2: 318, y2: 100, stroke: colors.wire, "stroke-width": 2 });
  add("rect", { x: 318, y: 78, width: 64, height: 44, rx: 6, class: "node" });
  add("text", { x: 350, y: 105, class: "nlabel" }, n.activation);
  add("line", { x1: 382, y1: 100, x2: 410, y2: 100, stroke: colors.wire, "stroke-width": 2 });
  add("text", { x: 432, y: 105, class: "nlabel" }, `y=${f2(res.output)}`);
}

function startNeuron() {
  for (const el of document.querySelectorAll("#lesson-neuron input, #lesson-neuron select")) {
    el.addEventListener("input", () => { if (el.type === "range") showValue(el); neuron(); });
    if (el.type === "range") showValue(el);
  }
  neuron();
}

// ---------------------------------------------------------------------------------------------
// Activations and the vanishing gradient.

async function activations() {
  const s = Number($("#vS").value), layers = Number($("#vLayers").value);
  const r = await ask({ type: "activations", s, layers });
  if (r.type !== "activations") return;
  const grid = $("#actCurves");
  if (!grid.childElementCount) {
    for (const c of r.curves) {
      const fig = document.createElement("figure");
      const cv = Object.assign(document.createElement("canvas"), { width: 220, height: 150 });
      cv.setAttribute("aria-label", `${c.name} and its slope`);
      fig.append(cv, Object.assign(document.createElement("figcaption"), { textContent: `${c.name} (blue) and its slope (orange)` }));
      grid.appendChild(fig);
    }
  }
  // Drawn every time, at the size each chart now has on screen (sharp after a resize too).
  r.curves.forEach((c, k) => {
    const pad = 0.1 * (c.max - c.min), top = c.max + pad, bottom = c.min - pad;
    lineChart(grid.children[k].querySelector("canvas"), {
      x: { min: -6, max: 6, count: 3 }, y: { min: bottom, max: top, count: 3 },
      series: [{ points: zip(c.x, c.y), color: colors.blue, width: 2.5 }, { points: zip(c.x, c.derivative), color: colors.test, dash: [5, 4] }],
    });
  });
  const v = r.vanishing;
  // One bar a layer, on a log scale down to 1e-12; ten places, however many layers are shown.
  barChart($("#vCanvas"), {
    bars: [...v.map((p, i) => ({ value: p, label: i + 1 })), ...Array(Math.max(0, 10 - v.length)).fill({ value: 0, label: "" })].slice(0, Math.max(10, v.length)),
    min: 1e-12, max: 1, log: true, format: (p) => (p ? p.toExponential(1) : ""),
  });
  $("#vText").textContent = `After ${layers} sigmoid layer${layers > 1 ? "s" : ""} with every weighted sum at ${s.toFixed(1)}, the gradient is multiplied by ${v[v.length - 1].toExponential(3)} (bars on a log scale).`;
  $("#vText").dataset.product = v[v.length - 1];
}

function startActivations() {
  for (const el of [$("#vS"), $("#vLayers")]) {
    el.addEventListener("input", () => { showValue(el); activations(); });
    showValue(el);
  }
  activations();
}

// ---------------------------------------------------------------------------------------------
// Universal approximation.

let sigmoids = [], offset = 0, custom = [], learning = false;

function defaultSigmoids(n) {
  return Array.from({ length: n }, (_, k) => ({ position: -0.75 + (1.5 * k) / Math.max(1, n - 1), steepness: 10, height: k % 2 ? -0.5 : 0.5 }));
}

let approxChart = null; // the figure's mapping, for clicks that add points

function drawApproximation(a) {
  approxChart = lineChart($("#aCanvas"), {
    x: { min: -1, max: 1, label: "x" }, y: { min: -1.1, max: 1.1, label: "y" },
    series: [
      ...a.contributions.map((cv, k) => ({ points: zip(a.x, cv.map((v) => v + a.offset)), color: classColor(k + 2, 0.55), width: 1.5, dash: [4, 3] })),
      { points: zip(a.x, a.target), color: colors.muted, width: 5 },
      { points: zip(a.x, a.sum), color: colors.test, width: 3 },
    ],
    marks: $("#aTarget").value === "custom" ? custom.map((p) => ({ x: p.x, y: p.y, color: colors.ink, r: 3 })) : [],
  });
  const pct = Math.max(0, a.score) * 100;
  $("#aScore").textContent = `Fit: ${pct.toFixed(1)}% of the curve's variation explained (grey: target, orange: the sum, dashed: each sigmoid).`;
  $("#aScore").dataset.score = a.score;
  // For the tests: the target the worker fitted, and the points drawn by hand.
  $("#aCanvas").dataset.target = JSON.stringify(zip(a.x, a.target));
  $("#aCanvas").dataset.custom = $("#aTarget").value === "custom" ? JSON.stringify(custom) : "[]";
}

function sigmoidRows() {
  const rows = $("#aRows");
  rows.textContent = "";
  sigmoids.forEach((s, k) => {
    const row = document.createElement("div");
    row.className = "sig-row";
    row.append(Object.assign(document.createElement("b"), { textContent: `σ${k + 1}` }));
    // The sigmoid's colour as a swatch beside its name: coloured text would be too faint to read.
    row.children[0].style.borderLeft = `0.6em solid ${classColor(k + 2)}`;
    row.children[0].style.paddingLeft = "0.3em";
    for (const [key, min, max, step] of [["position", -1.2, 1.2, 0.01], ["steepness", -40, 40, 0.5], ["height", -4, 4, 0.01]]) {
      const label = document.createElement("label");
      const input = Object.assign(document.createElement("input"), { type: "range", min, max, step, value: s[key] });
      input.dataset.sigmoid = k;
      input.dataset.key = key;
      const out = document.createElement("output");
      out.textContent = Number(s[key]).toFixed(2);
      input.addEventListener("input", () => { s[key] = Number(input.value); out.textContent = s[key].toFixed(2); approximate(); });
      label.append(key + " ", input, out);
      row.appendChild(label);
    }
    rows.appendChild(row);
  });
}

async function approximate() {
  const r = await ask({ type: "approximate", target: $("#aTarget").value, custom, sigmoids, offset });
  if (r.type === "approximation") drawApproximation(r.approximation);
}

async function learn() {
  learning = true;
  swapButtons($("#aLearn"), $("#aStopLearn"));
  let r = await ask({ type: "fitStart", target: $("#aTarget").value, custom, units: Number($("#aN").value), seed: 1 });
  while (learning && r.type === "approximation" && r.epochs < 600) {
    drawApproximation(r.approximation);
    r = await ask({ type: "fitTrain", epochs: 10 });
  }
  if (r.type === "approximation") {
    drawApproximation(r.approximation);
    sigmoids = r.approximation.sigmoids;
    offset = r.approximation.offset;
    sigmoidRows();
  }
  learning = false;
  swapButtons($("#aStopLearn"), $("#aLearn"));
  $("#aScore").dataset.learned = "true";
}

function startApproximation() {
  sigmoids = defaultSigmoids(Number($("#aN").value));
  sigmoidRows();
  $("#aN").addEventListener("change", () => { sigmoids = defaultSigmoids(Math.max(1, Math.min(12, Number($("#aN").value)))); offset = 0; sigmoidRows(); approximate(); });
  $("#aTarget").addEventListener("change", () => {
    if ($("#aTarget").value === "custom" && custom.length < 2) {
      custom = [{ x: -1, y: -0.5 }, { x: -0.3, y: 0.6 }, { x: 0.3, y: -0.2 }, { x: 1, y: 0.5 }];
      notice("Draw your curve across the figure: press and move.");
    }
    approximate();
  });
  // Freehand: press and draw across the figure; the curve follows the pen, replacing what was
  // there at each x it passes.
  let drawing = false, queued = false;
  const addPoint = (ev) => {
    const [px, py] = canvasPoint($("#aCanvas"), ev);
    const x = Math.max(-1, Math.min(1, approxChart.invertX(px))), y = Math.max(-1.1, Math.min(1.1, approxChart.invertY(py)));
    custom = [...custom.filter((p) => Math.abs(p.x - x) > 0.03), { x, y }].sort((a, b) => a.x - b.x);
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; approximate(); }); }
  };
  $("#aCanvas").addEventListener("pointerdown", (ev) => {
    if ($("#aTarget").value !== "custom" || !approxChart) return;
    drawing = true;
    $("#aCanvas").setPointerCapture(ev.pointerId);
    addPoint(ev);
  });
  $("#aCanvas").addEventListener("pointermove", (ev) => { if (drawing) for (const e of ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev]) addPoint(e); });
  for (const end of ["pointerup", "pointercancel"]) $("#aCanvas").addEventListener(end, () => { drawing = false; });
  $("#aLearn").addEventListener("click", learn);
  $("#aStopLearn").addEventListener("click", () => { learning = false; });
  approximate();
}

// ---------------------------------------------------------------------------------------------
// Overfitting and initialisation: scenes of the lab, trained in this worker.

let overfit = [[], []];

async function overfitting(reset) {
  const scene = await labScene("overfitting");
  if (reset) {
    overfit = [[], []];
    const r = await askLab({ type: "setScene", data: scene.data, models: scene.panes });
    if (r.type === "frame") record(r);
  } else {
    for (let k = 0; k < 10; k++) record(await askLab({ type: "train", epochs: 10 }));
  }
  const all = overfit.flat();
  const names = ["small network (2-3-1)", "big network (2-16-16-16-16-1)"];
  lineChart($("#oCanvas"), {
    x: { min: 0, max: Math.max(10, ...all.map((h) => h.epoch)), label: "epoch" },
    y: { min: 0, max: Math.max(0.1, ...all.map((h) => Math.max(h.trainLoss, h.testLoss))), label: "loss" },
    series: overfit.flatMap((h, i) => [
      { points: h.map((p) => [p.epoch, p.trainLoss]), color: i ? colors.test : colors.blue, label: `${names[i]}: training loss` },
      { points: h.map((p) => [p.epoch, p.testLoss]), color: i ? colors.test : colors.blue, dash: [6, 4], label: `${names[i]}: test loss` },
    ]),
  });
  const last = overfit.map((h) => h[h.length - 1]);
  if (last[0] && last[1]) {
    $("#oText").textContent = `Epoch ${last[1].epoch}: small network train ${last[0].trainLoss.toFixed(3)} / test ${last[0].testLoss.toFixed(3)}; big network train ${last[1].trainLoss.toFixed(3)} / test ${last[1].testLoss.toFixed(3)}.`;
    $("#oText").dataset.bigTrain = last[1].trainLoss;
    $("#oText").dataset.bigTest = last[1].testLoss;
  }
}

function record(frame) {
  if (frame.type !== "frame") return;
  for (const p of frame.panes) overfit[p.pane].push({ epoch: p.epoch, trainLoss: p.trainLoss, testLoss: p.testLoss });
}

function startOverfitting() {
  labScene("overfitting").then((scene) => { $("#oLab").href = toHash(scene); });
  $("#oTrain").addEventListener("click", () => overfitting(false));
  $("#oReset").addEventListener("click", () => overfitting(true).then(() => overfitting(false)));
  // The chart starts with its first hundred epochs drawn, not empty.
  return overfitting(true).then(() => overfitting(false));
}

let initHistory = [[], []];

async function initialisation(reset) {
  const scene = await labScene("symmetry");
  let r;
  if (reset) {
    initHistory = [[], []];
    r = await askLab({ type: "setScene", data: scene.data, models: scene.panes, network: true });
  } else {
    r = await askLab({ type: "train", epochs: 20, network: true });
  }
  if (r.type !== "frame") return;
  // Each hidden neuron's first weight, over time: one line per neuron.
  for (const p of r.panes) initHistory[p.pane].push({ epoch: p.epoch, w: p.network.layers[0].weights[0].slice() });
  for (const [i, id] of [[0, "#iLeft"], [1, "#iRight"]]) {
    const h = initHistory[i], top = Math.max(1, ...h.flatMap((p) => p.w).map(Math.abs));
    lineChart($(id), {
      x: { min: 0, max: Math.max(20, ...h.map((p) => p.epoch)), label: "epoch" }, y: { min: -top, max: top, label: "weight from x" },
      series: h[0].w.map((_, j) => ({ points: h.map((p) => [p.epoch, p.w[j]]), color: classColor(j) })),
    });
  }
  const spread = (p) => Math.max(...p.w) - Math.min(...p.w);
  const lastL = initHistory[0][initHistory[0].length - 1], lastR = initHistory[1][initHistory[1].length - 1];
  $("#iText").textContent = `Epoch ${lastR.epoch}. Each line is one hidden neuron's weight from x. Constant start: the six weights differ by ${spread(lastL).toFixed(4)} (one line). Random start: by ${spread(lastR).toFixed(3)}.`;
  $("#iText").dataset.leftSpread = spread(lastL);
  $("#iText").dataset.rightSpread = spread(lastR);
}

function startInitialisation() {
  $("#iTrain").addEventListener("click", () => initialisation(false));
  $("#iReset").addEventListener("click", () => initialisation(true));
  initialisation(true);
}

// ---------------------------------------------------------------------------------------------
// Gradient descent.

let terrain = null, ballStart = [3.5, 0], path = null, shown = 0, rolling = false, descentChart = null;
let surface = { ox: 0, side: 1 }; // where the 2D surface sits on its canvas, for clicks

async function loadTerrain() {
  const land = $("#gLand").value;
  terrain = (await ask({ type: "terrain", landscape: land })).terrain;
  ballStart = land === "curve" ? [3.5, 0] : [0.05, 1.6];
  await descend();
}

async function descend() {
  const r = await ask({ type: "descend", landscape: $("#gLand").value, start: ballStart, learningRate: Number($("#gLR").value), momentum: Number($("#gMom").value), steps: 300 });
  if (r.type !== "descent") return;
  path = r.descent;
  shown = 0;
  // A new path starts still: a roll still under way belonged to the old one.
  rolling = false;
  $("#gPlay").textContent = "▶ Roll";
  drawDescent();
}

function drawDescent() {
  const c = $("#gCanvas");
  fitCanvas(c);
  const ctx = c.getContext("2d"), W = c.width, H = c.height;
  ctx.fillStyle = colors.paper;
  ctx.fillRect(0, 0, W, H);
  if (!terrain || !path) return;
  let X, Y;
  if (terrain.dims === 1) {
    const chart = lineChart(c, {
      x: { min: -4, max: 4, label: "weight" }, y: { min: terrain.min, max: terrain.max, label: "height" },
      series: [{ points: zip(terrain.x, terrain.loss), color: colors.ink, width: 3 }],
    });
    X = chart.X;
    descentChart = chart;
    Y = (p, i) => chart.Y(path.loss[i]);
  } else {
    // The surface seen from above, centred, with a key to its colours beside it.
    const n = terrain.grid.length, cell = Math.min(W * 0.8, H) / n, side = n * cell;
    const ox = Math.max(0, (W - side - 0.18 * W) / 2);
    // Low is dark blue, high pale yellow-green: heights, not classes, so not the palette.
    const shade = (t) => { const v = Math.round(255 * Math.pow(Math.max(0, Math.min(1, t)), 0.4)); return [v, Math.round(120 + v / 2), Math.round(255 - v / 3)]; };
    gridImage(ctx, terrain.grid, terrain.min, terrain.max, ox, 0, side, shade);
    const kx = ox + side + 0.04 * W, kw = 0.03 * W, font = Math.max(11, Math.round(H / 22));
    for (let y = 0; y < side; y++) { const [r, g, b] = shade(1 - y / side); ctx.fillStyle = `rgb(${r},${g},${b})`; ctx.fillRect(kx, y, kw, 1.5); }
    ctx.fillStyle = colors.label;
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.fillText(`high ${terrain.max.toFixed(1)}`, kx + kw + 6, font);
    ctx.fillText(`low ${terrain.min.toFixed(1)}`, kx + kw + 6, side - 4);
    ctx.fillText("height", kx + kw + 6, side / 2);
    surface = { ox, side };
    X = (x) => ox + ((x + 2) / 4) * side;
    Y = (p) => ((2 - p[1]) / 4) * side;
  }
  const pts = path.path.slice(0, shown + 1);
  ctx.strokeStyle = colors.path;
  ctx.lineWidth = 2;
  ctx.beginPath();
  pts.forEach((p, i) => (i ? ctx.lineTo(X(p[0]), Y(p, i)) : ctx.moveTo(X(p[0]), Y(p, i))));
  ctx.stroke();
  const last = pts[pts.length - 1];
  ctx.fillStyle = colors.ball;
  ctx.beginPath();
  ctx.arc(X(last[0]), Y(last, pts.length - 1), 9, 0, 7);
  ctx.fill();
  const where = terrain.dims === 1 ? `x = ${last[0].toFixed(3)}` : `(${last[0].toFixed(3)}, ${last[1].toFixed(3)})`;
  // "Height", not "loss": the landscape's lowest points are below 0, and a loss never is.
  $("#gText").textContent = `Step ${shown}: ball at ${where}, height ${path.loss[pts.length - 1].toFixed(4)}` + (path.diverged && shown >= path.path.length - 1 ? ". It overshot out of the picture: the learning rate is too high." : "");
  $("#gText").dataset.x = last[0];
  $("#gText").dataset.step = shown;
}

function startDescent() {
  for (const el of [$("#gLR"), $("#gMom")]) {
    showValue(el);
    el.addEventListener("input", () => { showValue(el); descend(); });
  }
  $("#gLand").addEventListener("change", loadTerrain);
  $("#gStep").addEventListener("click", () => { shown = Math.min(shown + 1, path.path.length - 1); drawDescent(); });
  $("#gReset").addEventListener("click", () => { shown = 0; rolling = false; drawDescent(); });
  $("#gPlay").addEventListener("click", () => {
    rolling = !rolling;
    $("#gPlay").textContent = rolling ? "❚❚ Stop" : "▶ Roll";
    const tick = () => {
      if (!rolling || !path) return;
      if (shown >= path.path.length - 1) { rolling = false; $("#gPlay").textContent = "▶ Roll"; return; }
      shown++;
      drawDescent();
      requestAnimationFrame(tick);
    };
    tick();
  });
  $("#gCanvas").addEventListener("pointerdown", (ev) => {
    if (terrain.dims === 1) ballStart = [Math.max(-4, Math.min(4, descentChart.invertX(canvasPoint($("#gCanvas"), ev)[0]))), 0];
    else {
      const [px, py] = canvasPoint($("#gCanvas"), ev);
      ballStart = [((px - surface.ox) / surface.side) * 4 - 2, 2 - (py / surface.side) * 4];
    }
    descend();
  });
  loadTerrain();
}

// ---------------------------------------------------------------------------------------------
// Backpropagation.

let bp = null, stage = 0, showCheck = false;
const STAGES = [
  "Forward: each hidden neuron's weighted sum s and output y = σ(s).",
  "Forward: the outputs, and the loss C = 1/(2n) Σ (y − ŷ)².",
  "Backward, output layer: ∂C/∂y = (y − ŷ)/n, times σ'(s) = y(1 − y), gives ∂C/∂s.",
  "Backward, output weights: ∂C/∂w = ∂C/∂s · y of the hidden neuron the weight comes from.",
  "Backward, hidden layer: ∂C/∂y = Σ w · ∂C/∂s of the outputs, times σ'(s), gives ∂C/∂s.",
  "Backward, hidden weights: ∂C/∂w = ∂C/∂s · x.",
  "The update: w' = w − η · ∂C/∂w, and the loss after it.",
];

async function backprop(weights, biases) {
  const b = { input: [0.5, 0.9], target: [1, 0], learningRate: Number($("#bLR").value) };
  const base = bp || (await ask({ type: "backprop" })).backprop;
  b.weights = weights || base.weights;
  b.biases = biases || base.biases;
  const r = await ask({ type: "backprop", backprop: b });
  if (r.type === "backprop") { bp = r.backprop; drawBackprop(); }
}

function drawBackprop() {
  const figure = $("#bFigure"), f3 = (v) => v.toFixed(3);
  figure.textContent = "";
  const el = (name, attrs, text) => {
    const e = svg(name, attrs);
    if (text !== undefined) e.textContent = text;
    figure.appendChild(e);
    return e;
  };
  // Outputs sit left of the right edge with room for their target and the loss beside them; a
  // node's numbers hang below it, inside the figure.
  const pos = [[[60, 60], [60, 230]], [[290, 60], [290, 230]], [[520, 60], [520, 230]]];
  for (let l = 0; l < 2; l++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const [x1, y1] = pos[l][i], [x2, y2] = pos[l + 1][j];
    const active = (stage === 3 && l === 1) || (stage === 5 && l === 0) || stage === 6;
    el("line", { x1: x1 + 28, y1, x2: x2 - 28, y2, stroke: active ? colors.path : colors.muted, "stroke-width": active ? 3 : 1.5 });
    const mx = x1 + 28 + (x2 - x1 - 56) * (j === i ? 0.3 : 0.62), my = y1 + (y2 - y1) * (j === i ? 0.3 : 0.62);
    let label = `w=${f3(bp.weights[l][i][j])}`;
    if (active && stage < 6) label += ` ∂C/∂w=${f3(bp.gradients[l][i][j])}` + (showCheck ? ` (fd ${f3(bp.numericGradients[l][i][j])})` : "");
    if (stage === 6) label = `w'=${f3(bp.newWeights[l][i][j])}`;
    el("text", { x: mx, y: my - 4, class: "wlabel" }, label);
  }
  for (let i = 0; i < 2; i++) {
    el("circle", { cx: pos[0][i][0], cy: pos[0][i][1], r: 28, class: "node" });
    el("text", { x: pos[0][i][0], y: pos[0][i][1] + 5, class: "nlabel" }, `x${i + 1}=${bp.input[i]}`);
  }
  for (let l = 0; l < 2; l++) for (let j = 0; j < 2; j++) {
    const [x, y] = pos[l + 1][j];
    el("circle", { cx: x, cy: y, r: 28, class: "node" });
    const lines = [];
    const forwardShown = stage >= (l === 0 ? 0 : 1);
    if (forwardShown) lines.push(`s=${f3(bp.sums[l][j])}`, `y=${f3(bp.outputs[l][j])}`);
    const backShown = (l === 1 && stage >= 2) || (l === 0 && stage >= 4);
    if (backShown) lines.push(`∂C/∂y=${f3(bp.dLossDOutput[l][j])}`, `σ'=${f3(bp.dOutputDSum[l][j])}`, `∂C/∂s=${f3(bp.dLossDSum[l][j])}`);
    lines.forEach((t, k) => el("text", { x, y: y + 44 + 13 * k, class: "nlabel small" }, t));
  }
  // The targets the outputs are scored against.
  for (let j = 0; j < 2; j++) el("text", { x: 600, y: pos[2][j][1] + 5, class: "nlabel target" }, `target ŷ${j + 1}=${bp.target[j]}`);
  if (stage >= 1) el("text", { x: 690, y: 145, class: "nlabel" }, `C=${bp.loss.toFixed(4)}`);
  if (stage === 6) el("text", { x: 690, y: 165, class: "nlabel" }, `C'=${bp.newLoss.toFixed(4)}`);
  $("#bStage").textContent = `Step ${stage + 1} of ${STAGES.length}. ${STAGES[stage]}`;
  $("#bStage").dataset.stage = stage;
  // The table: every weight's chain-rule factors.
  const rows = [["weight", "∂C/∂s", "× y_prev", "= ∂C/∂w", "finite differences"]];
  for (let l = 1; l >= 0; l--) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const prev = l === 1 ? bp.outputs[0][i] : bp.input[i];
    rows.push([`w${l + 1}[${i + 1}→${j + 1}]`, bp.dLossDSum[l][j].toExponential(4), prev.toFixed(4), bp.gradients[l][i][j].toExponential(4), showCheck ? bp.numericGradients[l][i][j].toExponential(4) : "…"]);
  }
  const table = document.createElement("table");
  for (const r of rows) {
    const tr = table.insertRow();
    for (const v of r) tr.insertCell().textContent = v;
  }
  $("#bTable").textContent = "";
  if (stage >= 3) $("#bTable").appendChild(table);
}

function startBackprop() {
  $("#bNext").addEventListener("click", () => { stage = Math.min(stage + 1, STAGES.length - 1); drawBackprop(); });
  $("#bPrev").addEventListener("click", () => { stage = Math.max(stage - 1, 0); drawBackprop(); });
  $("#bCheck").addEventListener("click", () => { showCheck = true; if (stage < 3) stage = 3; drawBackprop(); });
  $("#bApply").addEventListener("click", () => {
    const biases = bp.biases.map((row, l) => row.map((b, j) => b - bp.learningRate * bp.biasGradients[l][j]));
    stage = 0;
    backprop(bp.newWeights, biases);
  });
  $("#bLR").addEventListener("change", () => backprop(bp.weights, bp.biases));
  backprop();
}

// ---------------------------------------------------------------------------------------------

const LESSONS = {
  neuron: startNeuron, activations: startActivations, approximation: startApproximation,
  overfitting: startOverfitting, "gradient-descent": startDescent, backprop: startBackprop, initialisation: startInitialisation,
};

// What redraws each lesson's figures at their new size (after a resize, or presenter mode).
const REDRAW = { neuron: () => neuron(), activations: () => activations(), approximation: () => approximate(), "gradient-descent": () => drawDescent() };
let shownLesson = "", redrawTimer;
window.addEventListener("resize", () => {
  clearTimeout(redrawTimer);
  redrawTimer = setTimeout(() => { if (started.has(shownLesson) && !$("#lessons-page").hidden) REDRAW[shownLesson]?.(); }, 600);
});

// start makes the lessons' worker; lessons are started as they are first shown.
export function start(module, showNotice, hash) {
  notice = showNotice;
  worker = connect("lessons", module, { notice });
  return show(hash);
}

// show opens the lesson the address names.
export async function show(hash) {
  const name = hash.replace(/^#/, "");
  if (!LESSONS[name]) return;
  for (const n of Object.keys(LESSONS)) $("#lesson-" + n).hidden = n !== name;
  for (const a of document.querySelectorAll(".lesson-nav a")) {
    if (a.getAttribute("href") === "#" + name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (!started.has(name)) {
    started.add(name);
    await LESSONS[name]();
  }
  shownLesson = name;
  document.body.dataset.lesson = name;
}

// The digit page: draw a digit and watch a network read it; train your own on MNIST. Everything
// is computed by the Go core in this page's own worker (messages: core/engine/protocol.go).
import { $, canvasPoint, colors, confusionTable, fitCanvas, greyImage, lineChart, featureMaps, outputBars, signedImage } from "./plot.js";
import { connect } from "./rpc.js";
import { start as startExperiment } from "./experiment.js";
import { MNIST, mnistMissing, PAPER } from "./paper.js";
import { gallery } from "./samples.js";
import { start as startHandwriting } from "./handwriting.js";

// A little over the largest model file the worker reads (core/nn MaxModelBytes, 64 MB).
const MAX_UPLOAD_BYTES = 65 * 2 ** 20;

let worker, engineModule;
// padReader is a second worker that reads the pad while the first trains or teaches, holding a
// copy of the model reading then: a training slice or a conv batch holds the first for 40-100
// ms, and a stroke should be read in under 30.
let padReader = null, spareReader = null;

// followReader gives the pad's reader, if one is reading, the model just chosen.
const followReader = () => (padReader ? readElsewhere(true) : null);

// readElsewhere(true) hands the pad to the spare worker, with the model reading now;
// readElsewhere(false) gives it back.
async function readElsewhere(on) {
  if (!on) { padReader = null; return; }
  const m = await ask({ type: "exportModel" }, { quiet: true });
  if (m.type !== "model") return;
  const fresh = !spareReader;
  spareReader ||= connect("digits", engineModule, { notice });
  const r = await spareReader.ask({ type: "loadModel", name: m.name, use: true, bytes: { model: m.bytes.file } }, { quiet: true });
  if (r.type !== "models") return;
  if (fresh) { // a first reading runs cold code (57 ms here, then 20): one read of a dot warms it
    const dot = new Uint8Array(28 * 28);
    dot.fill(255, 14 * 28 + 12, 14 * 28 + 16);
    await spareReader.ask({ type: "classify", width: 28, height: 28, features: true, bytes: { canvas: dot } }, { quiet: true });
  }
  padReader = spareReader;
}
let notice = () => {};
let presets = {};
let architectures = {}; // preset name → its architecture as the CLI writes it
let mnistLoaded = false;
let training = null; // {paused, stopped}
let history = [];

const ask = (msg, opts) => worker.ask(msg, opts);

// ---------------------------------------------------------------------------------------------
// Drawing.

const strokes = []; // each a list of [x, y] in canvas pixels
let drawing = null;
let classifyBusy = false, classifyAgain = false, againAfterStroke = false;
let strokesRead = 0; // classifications of a finished stroke, for tests and the latency readout
let shownFilters = null; // the model whose filters are drawn
let modelsReady = false, readWhenReady = false; // strokes made before the models load are read after
// lastReading is the drawing on the pad as last read: its centred 28×28 image (what a taught
// example keeps) and its strokes in a 280-pixel pad's units; null when the pad is empty.
let lastReading = null;

function strokeWidth(canvas) { return canvas.width / 14; }

// fitPad gives the pad as many pixels as it shows (times the pixel ratio, within 280 to 560:
// sharp, and still quick to read), keeping the strokes drawn so far; the charts likewise.
function fitPad() {
  const c = $("#pad"), dpr = window.devicePixelRatio || 1;
  const w = Math.max(280, Math.min(560, Math.round(c.clientWidth * dpr)));
  if (c.clientWidth && w !== c.width) {
    const k = w / c.width;
    for (const s of strokes) for (const p of s) { p[0] *= k; p[1] *= k; }
    c.width = c.height = w;
    redraw();
  }
  const chart = $("#tChart"), before = chart.width;
  fitCanvas(chart);
  if (chart.width !== before) drawTrainChart();
}

function redraw() {
  const c = $("#pad"), ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.strokeStyle = "#000";
  ctx.lineWidth = strokeWidth(c);
  for (const s of strokes) {
    ctx.beginPath();
    ctx.moveTo(s[0][0], s[0][1]);
    if (s.length === 1) ctx.lineTo(s[0][0] + 0.1, s[0][1]);
    for (const [x, y] of s.slice(1)) ctx.lineTo(x, y);
    ctx.stroke();
  }
}

const padPoint = (ev) => canvasPoint($("#pad"), ev);

// classify sends the drawing (the ink, one byte a pixel) to the worker. While one is on its way,
// later drawing only marks that another is needed: the bars follow the pen without a backlog.
async function classify(strokeEnd) {
  if (strokes.length === 0) return;
  if (!modelsReady) { readWhenReady = true; return; } // read once a model is there
  if (classifyBusy) { classifyAgain = true; againAfterStroke ||= strokeEnd; return; }
  classifyBusy = true;
  document.body.dataset.classifying = "true";
  const t0 = performance.now();
  const c = $("#pad");
  const rgba = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  const ink = new Uint8Array(c.width * c.height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i + 3];
  // Asked quietly: a canvas with no ink yet (a pen resting at pen-down) is not an error to
  // show, just nothing to read.
  const reader = padReader || worker;
  const reply = await reader.ask({ type: "classify", width: c.width, height: c.height, features: strokeEnd && !$("#inside").hidden, bytes: { canvas: ink } }, { quiet: true });
  if (reply.type === "error" && !/empty/.test(reply.error)) notice(reply.error, true);
  if (reply.type === "classified") {
    // A screen reader hears the reading when the stroke ends, not every reading while drawing.
    $("#verdict").setAttribute("aria-live", strokeEnd ? "polite" : "off");
    showOutputs(reply.outputs, reply.digit, reply.bytes.input);
    const k = 280 / c.width;
    lastReading = { centred: reply.bytes.centred, digit: reply.digit, strokes: strokes.map((s) => s.map(([x, y]) => [x * k, y * k])) };
    $("#itWas").hidden = false;
    if (reply.stages) featureMaps($("#maps"), reply.stages, reply.bytes.features);
    if (strokeEnd) {
      document.body.dataset.classifyMs = (performance.now() - t0).toFixed(1);
      document.body.dataset.padReader = reader === worker ? "main" : "spare";
      document.body.dataset.strokesRead = ++strokesRead;
    }
  }
  classifyBusy = false;
  document.body.dataset.classifying = String(classifyAgain);
  if (classifyAgain) {
    const end = againAfterStroke;
    classifyAgain = againAfterStroke = false;
    classify(end);
  }
}

// aDigit is "a 7", "an 8": the article as the digit is said.
const aDigit = (d) => (d === 8 ? "an " : "a ") + d;

function showOutputs(outputs, digit, image, caption) {
  outputBars($("#bars"), outputs, digit);
  $("#verdict").textContent = caption ? caption : `Looks like ${aDigit(digit)}`;
  $("#verdict").dataset.digit = digit;
  if (image) greyImage($("#seen"), image, 28);
}

// showFilters draws the current model's first convolution filters, or hides the section for a
// network without any.
async function showFilters(model) {
  const inside = $("#inside");
  inside.hidden = !/conv/.test(model.architecture);
  if (inside.hidden) return;
  const w = await ask({ type: "weights", name: model.name });
  const box = $("#filters");
  box.textContent = "";
  if (w.type !== "weights") return;
  const n = w.width * w.height;
  for (let k = 0; k < w.count; k++) {
    const cv = document.createElement("canvas");
    signedImage(cv, w.bytes.weights.subarray(n * k, n * (k + 1)), w.width);
    box.appendChild(cv);
  }
}

function clearPad() {
  strokes.length = 0;
  lastReading = null;
  $("#itWas").hidden = true;
  redraw();
  greyImage($("#seen"), new Uint8Array(784), 28);
  $("#bars").textContent = "";
  $("#verdict").textContent = "Draw a digit.";
  delete $("#verdict").dataset.digit;
}

function wireDrawing() {
  const pad = $("#pad");
  pad.addEventListener("pointerdown", (ev) => {
    ev.preventDefault();
    pad.setPointerCapture(ev.pointerId);
    drawing = [padPoint(ev)];
    strokes.push(drawing);
    redraw();
  });
  pad.addEventListener("pointermove", (ev) => {
    if (!drawing) return;
    for (const e of ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev]) drawing.push(padPoint(e));
    redraw();
    classify(false);
  });
  const end = () => {
    if (!drawing) return;
    drawing = null;
    classify(true);
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  $("#clear").addEventListener("click", clearPad);
  let nextSample = 0;
  $("#sample").addEventListener("click", () => {
    // A sample drawn as the pen would, in the pad's pixels, then read like any drawing.
    const g = gallery[(nextSample++ * 7) % gallery.length];
    const c = $("#pad");
    strokes.length = 0;
    for (const s of g.strokes) strokes.push(s.map(([x, y]) => [x * c.width, y * c.height]));
    redraw();
    classify(true);
  });
  $("#undo").addEventListener("click", () => { strokes.pop(); redraw(); if (strokes.length) classify(true); else clearPad(); });
  document.addEventListener("keydown", (e) => {
    if ($("#digits-page").hidden || e.target.closest("input, select, textarea, button, a, [tabindex]")) return;
    const key = e.key.toLowerCase(); // Shift+D is D too
    if (key === "c" && !e.ctrlKey && !e.metaKey) $("#clear").click();
    if (key === "d" && !e.ctrlKey && !e.metaKey) $("#sample").click();
    if (key === "u" || ((e.ctrlKey || e.metaKey) && key === "z")) $("#undo").click();
  });
}

// ---------------------------------------------------------------------------------------------
// Models.

function showModels(m) {
  const pick = $("#modelPick");
  pick.textContent = "";
  const label = { paper: "the paper's network", best: "best MLP", conv: "conv net", trained: "trained here", yours: "taught your handwriting" };
  for (const info of m.models) {
    pick.add(new Option(`${label[info.name] || info.name} (${info.architecture})`, info.name));
  }
  pick.value = m.current;
  // Test errors recorded in the model files: no need to score those models again.
  for (const info of m.models) if (info.testError > 0) knownError[info.name] = info.testError;
  const cur = m.models.find((x) => x.name === m.current);
  if (cur) {
    $("#modelInfo").textContent = `${cur.architecture} · ${cur.activations} · ${cur.loss} · ${cur.parameters.toLocaleString("en")} weights`;
    if (cur.name !== shownFilters) { shownFilters = cur.name; showFilters(cur); }
  }
  document.body.dataset.model = m.current;
}

function wireModels() {
  $("#modelPick").addEventListener("change", async () => {
    const r = await ask({ type: "useModel", name: $("#modelPick").value });
    if (r.type === "models") { showModels(r); await followReader(); classify(true); }
  });
  $("#upload").addEventListener("change", async () => {
    const file = $("#upload").files[0];
    if (!file) return;
    // Checked before reading: a model file is a few MB; a huge file is refused unread.
    if (file.size > MAX_UPLOAD_BYTES) {
      $("#upload").value = "";
      notice(`${file.name} is ${Math.round(file.size / 2 ** 20)} MB; a Somehow model file is at most ${MAX_UPLOAD_BYTES / 2 ** 20} MB.`, true);
      return;
    }
    const buf = await file.arrayBuffer();
    const r = await ask({ type: "loadModel", name: file.name.replace(/\.somehow$/, ""), use: true, bytes: { model: buf } });
    $("#upload").value = "";
    if (r.type === "models") { showModels(r); notice(`Loaded ${file.name}.`); await followReader(); classify(true); }
  });
  $("#download").addEventListener("click", async () => {
    const r = await ask({ type: "exportModel" });
    if (r.type !== "model") return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([r.bytes.file], { type: "application/octet-stream" }));
    a.download = r.name + ".somehow";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  });
}

// ---------------------------------------------------------------------------------------------
// Training.

function fillTrainForm(name) {
  const p = presets[name];
  if (!p) return;
  const layers = p.architecture.layers;
  $("#tArch").value = architectures[name] || "";
  // The hidden activation: the convolutions' in an image network, else the first hidden layer's.
  const features = p.architecture.features || [];
  $("#tActivation").value = features.length ? features[0].activation : layers.length > 1 ? layers[0].activation : "relu";
  $("#tOutput").value = layers[layers.length - 1].activation;
  $("#tLoss").value = p.architecture.loss;
  $("#tOptimizer").value = p.optimizer.kind;
  $("#tLR").value = p.optimizer.learningRate;
  $("#tMomentum").value = p.optimizer.momentum || 0;
  $("#tDecay").value = p.optimizer.decay || 0;
  $("#tBatch").value = p.batchSize;
  $("#tEpochs").value = p.epochs;
  $("#tAugment").checked = !!p.augment;
  $("#tDeskew").checked = !!p.deskew;
}

// showRecipeHint says what to expect of the chosen recipe.
function showRecipeHint() {
  const hints = {
    paper: "As written, this recipe learns slowly: expect 60–80% test error after one epoch and 45–70% after five. The paper's experiment above shows why, and what the paper's own wish changes.",
    "paper-softmax": "The paper's network and SGD recipe with a softmax output and cross-entropy: about 10% test error after one epoch, under 6% after five.",
  };
  $("#tHint").textContent = hints[$("#tPreset").value] || (presets[$("#tPreset").value] || {}).description || "";
}

function trainSpec() {
  const n = (id) => Number($(id).value);
  return {
    preset: $("#tPreset").value,
    arch: $("#tArch").value.trim().replace(/\s+/g, ""),
    activation: $("#tActivation").value, output: $("#tOutput").value, loss: $("#tLoss").value,
    optimizer: $("#tOptimizer").value, learningRate: n("#tLR"), momentum: n("#tMomentum"), decay: n("#tDecay"),
    batch: n("#tBatch"), epochs: n("#tEpochs"), seed: n("#tSeed"),
    augment: $("#tAugment").checked, deskew: $("#tDeskew").checked,
    trainLimit: Number(new URLSearchParams(location.search).get("trainLimit")) || 0,
  };
}

function setTrainingButtons(state) {
  const focused = document.activeElement;
  $("#tStart").disabled = state === "running" || state === "paused";
  $("#tPause").disabled = state === "idle";
  $("#tStop").disabled = state === "idle";
  $("#tPause").textContent = state === "paused" ? "Resume" : "Pause";
  document.body.dataset.training = state;
  // Focus on a button just disabled would fall to the page: move it to the one that acts now.
  if (focused && focused.disabled) (state === "idle" ? $("#tStart") : $("#tPause")).focus();
}

function showProgress(p) {
  $("#tProgress").value = p.epochsDone / p.epochs;
  const last = p.history[p.history.length - 1];
  let text;
  if (p.stopped) {
    text = `Stopped after ${p.epochsDone.toFixed(1)} epochs` + (last ? `, test error ${last.testError.toFixed(2)}%.` : ".");
  } else if (p.diverged) {
    text = "Training diverged (the numbers became NaN): try a lower learning rate.";
  } else if (p.finished) {
    text = `Done: ${p.epochs} epoch${p.epochs === 1 ? "" : "s"}, test error ${last.testError.toFixed(2)}%.`;
  } else {
    const on = p.teamSize > 1 ? ` on ${p.teamSize} workers` : "";
    const rate = p.examplesPerSecond ? ` · ${Math.round(p.examplesPerSecond).toLocaleString("en")} examples/s${on}` : "";
    const left = !p.secondsLeft ? "" : p.secondsLeft < 1 ? " · less than a second left" : ` · about ${formatSeconds(p.secondsLeft)} left`;
    const phase = p.scoring ? `Epoch ${p.epoch + 1}: testing on 10 000 images…` : `Epoch ${p.epoch + 1} of ${p.epochs}: ${p.done.toLocaleString("en")} / ${p.total.toLocaleString("en")}`;
    text = `${phase}${rate}${left}`;
  }
  // The live region hears the epochs and the end, not every slice.
  const status = $("#tStatus");
  const announce = p.finished || p.history.length !== Number(status.dataset.epochs || 0);
  status.setAttribute("aria-live", announce ? "polite" : "off");
  status.dataset.epochs = p.history.length;
  status.textContent = `${p.architecture} · ${text}`;
  history = p.history;
  drawTrainChart();
  document.body.dataset.trainEpoch = p.epoch;
  // For the benchmark: the team's size, and a batch's cost of going parallel.
  Object.assign(document.body.dataset, { trainWorkers: p.workers, teamSize: p.teamSize });
  if (p.exchangeMs) Object.assign(document.body.dataset, { exchangeMs: p.exchangeMs, computeMs: p.computeMs });
  document.body.dataset.workerMemoryMb = Math.round(p.memoryBytes / 1e6);
  document.body.dataset.workerSimd = String(!!p.simd);
  if (p.history.length) document.body.dataset.testError = p.history[p.history.length - 1].testError;
}

const formatSeconds = (s) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

function drawTrainChart() {
  const epochs = Math.max(5, Number($("#tEpochs").value) || 5, ...history.map((h) => h.epochsDone));
  const maxLoss = Math.max(1e-9, ...history.map((h) => h.trainLoss));
  lineChart($("#tChart"), {
    x: { min: 0, max: epochs, label: "epoch" },
    // A log axis shows every run, from the recipe as written (60-80%) to the best (under 2%).
    y: { min: 1, max: 100, log: true, label: "test error (log scale)", format: (v) => v + "%" },
    y2: history.length ? { min: 0, max: maxLoss, label: "training loss" } : undefined,
    series: [
      { points: history.map((h) => [h.epochsDone, Math.max(1, h.testError)]), color: colors.ink, width: 2.5, dots: true, label: "yours: test error" },
      { points: history.map((h) => [h.epochsDone, h.trainLoss]), color: colors.green, dash: [5, 4], dots: true, axis: 2, label: "yours: training loss (right axis)" },
    ],
    marks: PAPER.filter((p) => !p.best).map((p) => ({ x: p.epoch, y: p.error, color: colors.test, ring: true })),
    legend: [{ label: "the paper's network: 10% after 1 epoch, 5% after 5", color: colors.test, mark: true }],
  });
  $("#tChart").dataset.points = history.length;
}

// ensureMNIST loads MNIST into the worker once (a second call while it loads waits for the
// first); status, an element or null, says so.
let mnistLoading = null;
async function ensureMNIST(status = $("#tStatus")) {
  if (mnistLoaded) return true;
  if (mnistLoading) {
    if (status) status.textContent = "Loading MNIST (11 MB)…";
    return mnistLoading;
  }
  mnistLoading = loadMNIST(status).finally(() => { mnistLoading = null; });
  return mnistLoading;
}

async function loadMNIST(status) {
  const background = !status; // said when someone asks for it, not while they draw
  status ||= { textContent: "" };
  status.textContent = "Loading MNIST (11 MB)…";
  const r = await ask({ type: "loadMNIST", fetch: MNIST }, { quiet: true });
  if (r.type !== "mnist") {
    const why = (await mnistMissing()) || r.error;
    status.textContent = "Could not load MNIST: " + why;
    if (!background) notice(why, true);
    return false;
  }
  mnistLoaded = true;
  return true;
}

async function startTraining() {
  setTrainingButtons("running");
  if (!(await ensureMNIST())) { setTrainingButtons("idle"); return; }
  await worker.team();
  await readElsewhere(true);
  const r = await ask({ type: "trainStart", train: trainSpec() });
  if (r.type !== "progress") { readElsewhere(false); setTrainingButtons("idle"); return; }
  $("#afterTraining").hidden = true;
  training = { paused: false, stopped: false };
  showProgress(r);
  loop();
}

// loop asks for one slice of training after another: each is about 40 ms of work, so the
// worker can answer a drawing in between and pause takes effect at once.
async function loop() {
  while (training && !training.paused && !training.stopped) {
    const p = await ask({ type: "trainSlice", budgetMs: 40 });
    if (p.type !== "progress") { training = null; readElsewhere(false); setTrainingButtons("idle"); return; }
    showProgress(p);
    if (p.finished) { await finished(); return; }
  }
}

async function finished() {
  if (!training) return;
  training = null;
  readElsewhere(false);
  setTrainingButtons("idle");
  const ev = await showEvaluation();
  if (ev) await offerTrainedModel(ev.testError);
}

// Test error of each model on MNIST's test set, measured once.
const knownError = {};

// offerTrainedModel puts the network just trained in charge of the pad only if it reads MNIST
// better than the model reading now, says so either way, and offers to switch back or over.
async function offerTrainedModel(trainedError) {
  const reader = $("#modelPick").value;
  if (knownError[reader] === undefined) {
    const ev = await ask({ type: "evaluate", name: reader });
    if (ev.type === "evaluation") knownError[reader] = ev.testError;
  }
  const readerError = knownError[reader];
  const better = readerError === undefined || trainedError < readerError;
  const note = $("#readerNote"), pct = (v) => v.toFixed(2) + "%";
  const describe = (using) => {
    const other = using === "trained" ? reader : "trained";
    note.querySelector("span").textContent = using === "trained"
      ? `The pad now reads with the network you trained (${pct(trainedError)} test error; ${modelLabel(reader)} had ${pct(readerError)}).`
      : `Your network: ${pct(trainedError)} test error. The pad keeps reading with ${modelLabel(reader)} (${pct(readerError)}), which does better.`;
    const button = $("#readerSwitch");
    button.textContent = using === "trained" ? `Switch back to ${modelLabel(reader)}` : "Read with yours anyway";
    button.onclick = async () => { await useModel(other); describe(other); };
  };
  if (better) await useModel("trained");
  else {
    const m = await ask({ type: "models" });
    if (m.type === "models") showModels(m);
  }
  note.hidden = false;
  describe(better ? "trained" : reader);
}

async function useModel(name) {
  const r = await ask({ type: "useModel", name });
  if (r.type === "models") { showModels(r); await followReader(); classify(true); }
}

const modelLabel = (name) => ({ paper: "the paper's network", best: "the best MLP", conv: "the conv net", trained: "your network", yours: "the model taught your handwriting" }[name] || name);

async function showEvaluation() {
  const ev = await ask({ type: "evaluate", name: "trained" });
  if (ev.type !== "evaluation") return null;
  knownError.trained = ev.testError;
  $("#afterTraining").hidden = false;
  $("#evalError").textContent = `(your network: ${ev.testError.toFixed(2)}% test error)`;
  confusionTable($("#confusion"), ev.confusion);
  const gallery = $("#mistakes");
  gallery.textContent = "";
  for (const [k, m] of ev.mistakes.slice(0, 60).entries()) {
    const fig = document.createElement("button");
    fig.className = "thumb";
    fig.title = `test image ${m.index}: a ${m.label}, read as ${m.predicted}`;
    const cv = document.createElement("canvas");
    greyImage(cv, ev.bytes.mistakes.subarray(784 * k, 784 * (k + 1)), 28);
    fig.append(cv, Object.assign(document.createElement("span"), { textContent: `${m.label}→${m.predicted}` }));
    fig.addEventListener("click", async () => {
      const t = await ask({ type: "testImage", index: m.index, name: "trained" });
      if (t.type === "testImage") showOutputs(t.outputs, t.digit, t.bytes.image, `Test image ${t.index}: a ${t.label}, read as ${t.digit}`);
      $("#verdict").scrollIntoView({ behavior: "smooth", block: "center" });
    });
    gallery.appendChild(fig);
  }
  const w = await ask({ type: "weights", name: "trained" });
  const wg = $("#weights");
  wg.textContent = "";
  if (w.type === "weights") {
    const n = w.width * w.height;
    for (let k = 0; k < w.count; k++) {
      const cv = document.createElement("canvas");
      cv.className = "weight";
      signedImage(cv, w.bytes.weights.subarray(n * k, n * (k + 1)), w.width);
      wg.appendChild(cv);
    }
  }
  return ev;
}

function wireTraining() {
  $("#tPreset").addEventListener("change", () => fillTrainForm($("#tPreset").value));
  $("#tPreset").addEventListener("change", showRecipeHint);
  $("#tStart").addEventListener("click", startTraining);
  $("#tPause").addEventListener("click", () => {
    if (!training) return;
    training.paused = !training.paused;
    setTrainingButtons(training.paused ? "paused" : "running");
    if (!training.paused) loop();
  });
  $("#tStop").addEventListener("click", async () => {
    if (!training) return;
    training.stopped = true;
    const p = await ask({ type: "trainStop" });
    if (p.type === "progress") showProgress(p);
    await finished();
  });
}

// ---------------------------------------------------------------------------------------------

// start creates the digit page's worker and loads the shipped models; showNotice reports errors.
export async function start(module, showNotice) {
  notice = showNotice;
  // On a projector the page shows one card at a time.
  for (const b of document.querySelectorAll(".present-views button")) {
    b.addEventListener("click", () => {
      $("#digits-page").dataset.view = b.dataset.view;
      for (const o of document.querySelectorAll(".present-views button")) o.setAttribute("aria-pressed", String(o === b));
      window.dispatchEvent(new Event("resize")); // its figures fit the screen
    });
  }
  worker = connect("digits", module, { notice });
  engineModule = module;
  wireDrawing();
  window.addEventListener("resize", () => requestAnimationFrame(fitPad));
  requestAnimationFrame(fitPad);
  wireModels();
  wireTraining();
  clearPad();
  setTrainingButtons("idle");
  const p = await ask({ type: "presets" });
  if (p.type === "presets") { presets = p.presets; architectures = p.architectures; fillTrainForm($("#tPreset").value); showRecipeHint(); }
  startExperiment(module, notice);
  startHandwriting({ worker, ask, notice, reading: () => lastReading, clearPad, ensureMNIST, showModels, readElsewhere });
  drawTrainChart();
  await ask({ type: "loadModel", name: "paper", fetch: { model: "assets/models/paper.somehow" } });
  await ask({ type: "loadModel", name: "best", fetch: { model: "assets/models/best.somehow" } });
  // The conv net reads people's digits best (see the README): it is the pad's reader.
  const m = await ask({ type: "loadModel", name: "conv", use: true, fetch: { model: "assets/models/conv.somehow" } });
  if (m.type === "models") showModels(m);
  modelsReady = true;
  if (readWhenReady) classify(true);
  document.body.dataset.digitsReady = "true";
}

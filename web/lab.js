// The lab: holds the scene (state.js), sends it to the workers, and draws the frames that come
// back (draw.js). It never computes a forward pass, and never judges a scene: the worker does,
// and tells the page its limits, defaults and scenes once (the catalogue).
import { defaultState, fromHash, linkRoom, newModel, sceneOf, sceneState, toHash } from "./state.js";
import { drawChart, drawNetwork, drawPlane } from "./draw.js";
import { $, canvasPoint, classColor, fitCanvas } from "./plot.js";
import { connect } from "./rpc.js";

// Two workers, one per pane, each with the same points: the panes train on two CPU cores. The
// page compiles the WebAssembly once and hands the module to both.
let workers = [];
let notice = () => {};
let catalogue = null; // the worker's limits, defaults and scenes (core/lab Catalogue)
let state = null;
let playing = false;
let lastFrame = null;
let renderCount = 0;
const histories = [[], []];
const paneEls = [];

// What each pane's worker last sent of the points. A frame leaves them out while they are
// unchanged; the page keeps this one array for them, so the plane reuses its drawing of them.
const knownPoints = [{ version: 0, points: [] }, { version: 0, points: [] }];

// ask sends a message to the worker of each of the given panes (each asked about its own pane
// only) and returns their replies, every frame with its points.
async function ask(msg, panes) {
  const replies = await Promise.all(panes.map((i) => workers[i].ask({ ...msg, panes: [i], pointsVersion: knownPoints[i].version }, { quiet: true })));
  replies.forEach((r, k) => {
    if (r.type !== "frame") return;
    const known = knownPoints[panes[k]];
    if (r.points) Object.assign(known, { version: r.pointsVersion, points: r.points });
    else r.points = known.points;
  });
  return replies;
}

// request asks the given panes' workers (see ask), draws the frames that come back and returns
// the first reply, or the first error, which is also shown.
async function request(msg, panes = [0, 1], quiet = false) {
  const replies = await ask(msg, panes);
  const error = replies.find((r) => r.type === "error");
  if (error) {
    if (!quiet) notice(error.error, true);
    return error;
  }
  for (const r of replies) if (r.type === "frame") render(r);
  return replies[0];
}

// ---------------------------------------------------------------------------------------------
// Building the panes and wiring the controls.

function buildPanes() {
  const tpl = $("#paneTemplate");
  for (let i = 0; i < 2; i++) {
    const node = tpl.content.firstElementChild.cloneNode(true);
    node.dataset.pane = i;
    $("#panes").appendChild(node);
    const p = {
      root: node, plane: $(".plane", node), chart: $(".chart", node), stats: $(".stats", node),
      title: $(".title", node), alert: $(".alert", node), net: $(".network", node),
    };
    paneEls.push(p);
    const side = i ? "right" : "left";
    p.formError = Object.assign(document.createElement("p"), { className: "field-error" });
    p.formError.setAttribute("aria-live", "polite");
    $(".model", node).appendChild(p.formError);
    for (const input of node.querySelectorAll(".model select, .model input")) {
      // Edits apply as they are typed, once the typing pauses; a choice at once.
      let timer;
      input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => modelChanged(i, input), input.tagName === "SELECT" ? 0 : 450);
      });
      // Both panes have the same controls: a screen reader hears which pane each belongs to.
      const label = input.closest("label");
      if (label) input.setAttribute("aria-label", `${side} pane: ${label.firstChild.textContent.trim()}`);
    }
    // A mouse or pen places a point as it goes down. A finger places one only with a deliberate
    // tap (lifted soon, where it went down): a swipe that starts on the plane scrolls the page,
    // and the browser cancels the pointer when it does.
    let tap = null;
    p.plane.addEventListener("pointerdown", (ev) => {
      if (ev.pointerType !== "touch") planeClicked(i, ev);
      else tap = { x: ev.clientX, y: ev.clientY, t: ev.timeStamp };
    });
    p.plane.addEventListener("pointerup", (ev) => {
      if (ev.pointerType === "touch" && tap && Math.hypot(ev.clientX - tap.x, ev.clientY - tap.y) < 12 && ev.timeStamp - tap.t < 600) planeClicked(i, ev);
      tap = null;
    });
    p.plane.addEventListener("pointercancel", () => { tap = null; });
    p.plane.tabIndex = 0;
    p.plane.setAttribute("aria-label", `${side} pane: the plane, its points and the decision boundary. Arrow keys move a cross-hair; Enter adds a point there.`);
    p.said = Object.assign(document.createElement("p"), { className: "sr-only" });
    p.said.setAttribute("aria-live", "polite");
    p.plane.after(p.said);
    p.plane.addEventListener("keydown", (e) => planeKey(i, e));
    p.plane.addEventListener("focus", () => paneFrames[i] && render(paneFrames[i]));
    p.plane.addEventListener("blur", () => paneFrames[i] && render(paneFrames[i]));
  }
}

// paneTitle names the network a pane holds: "Perceptron", or its sizes and activation.
function paneTitle(m) {
  if (m.kind === "perceptron") return "Perceptron";
  m = { ...catalogue.defaults.mlp, ...m };
  const classes = state.data.classes, out = classes === 2 && m.output === "sigmoid" ? 1 : classes;
  return `Network ${[2, ...(m.hidden || []), out].join("-")}, ${m.activation}`;
}

function fillModelForm(i) {
  const root = paneEls[i].root, m = { ...catalogue.defaults.mlp, ...state.panes[i] };
  $(".m-kind", root).value = m.kind;
  $(".m-hidden", root).value = (m.hidden || []).join(",");
  $(".m-activation", root).value = m.activation;
  $(".m-output", root).value = m.output;
  $(".m-loss", root).value = m.loss;
  const init = $(".m-init", root);
  init.value = m.init;
  if (init.value !== m.init) { // a constant or scale not in the list: add it
    init.add(new Option(m.init, m.init));
    init.value = m.init;
  }
  $(".m-lr", root).value = m.learningRate;
  $(".m-batch", root).value = m.batch;
  $(".m-momentum", root).value = m.momentum || 0;
  $(".m-seed", root).value = m.seed || 0;
  root.classList.toggle("is-perceptron", m.kind === "perceptron");
  paneEls[i].title.textContent = paneTitle(state.panes[i]);
}

function readModelForm(i) {
  const root = paneEls[i].root;
  const kind = $(".m-kind", root).value;
  const num = (sel) => Number($(sel, root).value);
  // What the form does not show (the optimiser, its decay, L2) stays as the pane has it.
  const base = state.panes[i].kind === kind ? { ...state.panes[i] } : newModel(catalogue, kind);
  const hiddenText = $(".m-hidden", root).value.trim();
  const hidden = hiddenText === "" ? [] : hiddenText.split(/[\s,;-]+/).filter(Boolean).map(Number);
  return kind === "perceptron"
    ? { ...base, learningRate: num(".m-lr"), seed: num(".m-seed") }
    : {
      ...base, hidden, activation: $(".m-activation", root).value, output: $(".m-output", root).value,
      loss: $(".m-loss", root).value, init: $(".m-init", root).value, learningRate: num(".m-lr"),
      batch: num(".m-batch"), momentum: num(".m-momentum"), seed: num(".m-seed"),
    };
}

function clearFormError(el) {
  for (const f of el.root.querySelectorAll(".model [aria-invalid]")) f.removeAttribute("aria-invalid");
  el.formError.textContent = "";
}

async function modelChanged(i, field) {
  const was = state.panes[i], el = paneEls[i];
  const kindChanged = $(".m-kind", el.root).value !== was.kind;
  const model = kindChanged ? newModel(catalogue, $(".m-kind", el.root).value) : readModelForm(i);
  // Each field's edit reads the whole form, so a few quick edits ask for the same model more
  // than once; asking again would restart a network that has been training meanwhile.
  const wanted = JSON.stringify(model);
  if (!kindChanged && wanted === (el.asking ?? JSON.stringify(was))) {
    if (!el.asking) clearFormError(el);
    return;
  }
  if (kindChanged) { state.panes[i] = model; fillModelForm(i); }
  el.asking = wanted;
  const reply = await request({ type: "setModel", pane: i, model, network: true }, [i], true);
  if (el.asking === wanted) el.asking = undefined;
  clearFormError(el);
  if (reply.type === "error") {
    // The pane keeps its network; the typed value stays, marked, with the reason beside it.
    state.panes[i] = was;
    el.formError.textContent = reply.error;
    if (field) field.setAttribute("aria-invalid", "true");
    return;
  }
  // The form stays as the person left it (it may already hold their next edit).
  state.panes[i] = model;
  paneEls[i].title.textContent = paneTitle(model);
  histories[i] = [];
  showScene("");
  saveURL();
}

const dataFields = ["kind", "points", "classes", "noise", "testFraction", "seed"];

// summariseData says in the folded data card's one line what the points are.
function summariseData() {
  const d = state.data, kind = $("#kind").selectedOptions[0]?.textContent || d.kind, placed = (d.custom || []).length;
  $("#dataSummary").textContent = `${kind} · ${d.kind === "none" ? "" : d.points + " points · "}${d.classes} classes · noise ${Number(d.noise).toFixed(2)} · ${Math.round(100 * d.testFraction)}% held out for testing` +
    (placed ? ` · ${placed} placed by hand` : "");
}

function fillDataForm() {
  const d = state.data;
  for (const f of dataFields) $("#" + f).value = d[f];
  summariseData();
  $("#noiseOut").textContent = Number(d.noise).toFixed(2);
  $("#testOut").textContent = Math.round(100 * d.testFraction) + "%";
  const sel = $("#addClass"), keep = sel.value;
  sel.textContent = "";
  for (let k = 0; k < d.classes; k++) {
    const o = new Option(String(k), String(k));
    o.style.color = classColor(k);
    sel.add(o);
  }
  sel.value = keep && Number(keep) < d.classes ? keep : "0";
}

async function dataChanged(field) {
  const d = { ...state.data };
  for (const f of dataFields) d[f] = f === "kind" ? $("#kind").value : Number($("#" + f).value);
  if (d.kind === "xor" || d.kind === "moons") d.classes = 2;
  if (d.classes !== state.data.classes) d.custom = [];
  else d.custom = state.data.custom;
  const reply = await request({ type: "setData", data: d, network: true }, [0, 1], true);
  for (const f of document.querySelectorAll(".data [aria-invalid]")) f.removeAttribute("aria-invalid");
  if (reply.type === "error") {
    $("#dataCard").open = true;
    $("#dataError").textContent = reply.error;
    if (field && field.setAttribute) field.setAttribute("aria-invalid", "true");
    return;
  }
  $("#dataError").textContent = "";
  state.data = d;
  histories[0] = []; histories[1] = [];
  fillDataForm();
  state.panes.forEach((_, i) => { paneEls[i].title.textContent = paneTitle(state.panes[i]); });
  showScene("");
  saveURL();
}

function planeClicked(i, ev) {
  if (!lastFrame) return;
  const c = paneEls[i].plane, [px, py] = canvasPoint(c, ev), ext = lastFrame.extent;
  placeOrErase((px / c.width) * 2 * ext - ext, ext - (py / c.height) * 2 * ext);
}

// The keyboard's way onto the plane: it is focusable, arrow keys move a cross-hair (shown on the
// plane, said aloud), and Enter or Space adds or erases a point there, as a click would.
const cursor = { x: 0, y: 0 };
function planeKey(i, e) {
  const step = e.shiftKey ? 0.2 : 0.05, ext = lastFrame ? lastFrame.extent : 1.25;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  if (moves[e.key]) {
    cursor.x = Math.max(-ext, Math.min(ext, cursor.x + moves[e.key][0]));
    cursor.y = Math.max(-ext, Math.min(ext, cursor.y + moves[e.key][1]));
    paneEls[i].said.textContent = `cross-hair at x ${cursor.x.toFixed(2)}, y ${cursor.y.toFixed(2)}`;
    if (paneFrames[i]) render(paneFrames[i]);
  } else if (e.key === "Enter" || e.key === " ") {
    placeOrErase(cursor.x, cursor.y);
  } else return;
  e.preventDefault();
  e.stopPropagation();
}

function placeOrErase(x, y) {
  const tool = document.querySelector("input[name=tool]:checked").value;
  if (tool === "erase") {
    const before = lastFrame.points.length;
    request({ type: "removePoint", x, y }).then((r) => {
      if (r.type !== "frame") return;
      if (r.points.length === before) notice("There is no point there to erase: click on a point.");
      state.data.custom = r.points.filter((p) => isCustom(p));
      summariseData();
      saveURL();
    });
  } else {
    if (linkRoom(state, catalogue) <= 0) {
      notice(`The lab holds ${catalogue.limits.maxPoints} points placed by hand, and this scene has them all: erase some to add more.`, true);
      return;
    }
    const label = Number($("#addClass").value);
    const point = { x: Math.round(x * 1000) / 1000, y: Math.round(y * 1000) / 1000, label };
    request({ type: "addPoint", ...point }).then((r) => {
      if (r.type === "frame") { state.data.custom = [...state.data.custom, point]; summariseData(); saveURL(); }
    });
  }
}

// isCustom tells a hand-placed point from a generated one by matching the saved list.
function isCustom(p) {
  return state.data.custom.some((c) => Math.abs(c.x - p.x) < 1e-6 && Math.abs(c.y - p.y) < 1e-6 && c.label === p.label);
}

// ---------------------------------------------------------------------------------------------
// The training loop. Both panes train the same number of epochs a frame, each in its own worker,
// and a frame is drawn once both have answered: the two are always compared at the same epoch.
// The next frame is asked for before this one is painted, so the workers train while the page
// paints, and painting waits for the display's next refresh. A worker trains for at most a few
// milliseconds per message, so pause and new settings apply within a frame or two.

let loops = 0; // play loops running
let generation = 0; // bumped by a new scene: frames asked for before it are not drawn
const nextPaint = () => new Promise((resolve) => requestAnimationFrame(resolve));

async function playLoop() {
  loops++;
  let n = 0;
  const gen = generation;
  const next = () => {
    // While it trains, five frames in six draw the boundary from a 50×50 grid (a quarter of the
    // work, drawn smoothed); every sixth, with the network view, and the still frame asked for
    // when playing stops, from the full 100×100. The first is coarse: it comes soonest.
    const full = n++ % 6 === 5;
    return ask({ type: "train", epochs: state.speed, budgetMs: 200, network: full, coarse: !full }, [0, 1]);
  };
  let pending = next();
  while (pending) {
    const replies = await pending;
    const error = replies.find((r) => r.type === "error");
    if (error) { notice(error.error, true); setPlaying(false); break; }
    pending = playing && gen === generation ? next() : null;
    await nextPaint();
    if (gen !== generation) break;
    for (const r of replies) render(r);
    if (lastDiverged(0) && lastDiverged(1)) setPlaying(false);
  }
  loops--;
  if (playing && loops === 0) playLoop(); // played again while the last frame was on its way
  else if (!playing && gen === generation) settle(gen);
}

// settle ends a run of play: a pane whose worker ran out of time in a frame (a loaded machine)
// may be an epoch or two behind; it catches up, so the two are compared at the same epoch, and
// the still frame with the full grid and the network is drawn.
async function settle(gen) {
  for (let k = 0; k < 20 && gen === generation && !playing; k++) {
    const epochs = paneFrames.map((f) => (f ? f.panes[0].epoch : 0)), behind = epochs[0] < epochs[1] ? 0 : 1;
    const gap = Math.abs(epochs[0] - epochs[1]);
    if (gap === 0 || lastDiverged(0) || lastDiverged(1)) break;
    await request({ type: "train", epochs: gap, budgetMs: 200 }, [behind]);
  }
  if (gen === generation && !playing) request({ type: "frame", network: true });
}

function lastDiverged(i) {
  return paneEls[i].root.dataset.diverged === "true";
}

function setPlaying(on) {
  playing = on;
  $("#play").textContent = on ? "❚❚ Pause" : "▶ Play";
  $("#play").setAttribute("aria-pressed", String(on));
  document.body.dataset.playing = String(on);
  // Milliseconds since navigation to the first press of Play, for the measurements.
  if (on && !document.body.dataset.playMs) document.body.dataset.playMs = Math.round(performance.now());
  if (on && loops === 0) playLoop();
}

const paneFrames = [null, null]; // each pane's last frame, to redraw it at a new size

// fitCanvases gives each plane and chart as many pixels as it shows on screen (times the
// device's pixel ratio: sharp on a 4K projector), and redraws the last frames at that size.
function fitCanvases() {
  fitPlanesToScreen();
  let changed = false;
  for (const el of paneEls) {
    for (const c of [el.plane, el.chart]) {
      const before = c.width;
      fitCanvas(c);
      changed ||= c.width !== before;
    }
  }
  if (changed) for (const f of paneFrames) if (f) render(f);
}

// fitPlanesToScreen lets the planes be as tall as the screen has room for under everything above
// them (--plane-room): the planes are the point, and must be whole on the first screen. A phone
// is left to its width: a page that tall scrolls anyway.
function fitPlanesToScreen() {
  const root = document.documentElement, presenter = document.body.classList.contains("presenter");
  if (innerWidth < 700 && !presenter) { root.style.removeProperty("--plane-room"); return; }
  const plane = paneEls[0]?.plane;
  if (!plane || !plane.offsetParent) return; // the lab is not on screen
  const top = plane.getBoundingClientRect().top + scrollY;
  // On a projector, what the scene's caption points at shares the pane: the loss chart (its
  // shape is 400×150) under the plane, or the network view beside it, as tall as the plane.
  const shows = presenter && document.body.dataset.sceneShows;
  const set = (height) => {
    let room = shows === "loss" ? height / (1 + 150 / 400) : height;
    if (shows === "network") room = Math.min(room, paneEls[0].root.clientWidth * 0.55);
    root.style.setProperty("--plane-room", Math.max(160, Math.floor(room)) + "px");
    root.style.setProperty("--network-room", Math.floor(room) + "px");
  };
  let height = innerHeight - top - 12;
  set(height);
  if (presenter) {
    // What else stands under the plane (paddings, gaps) is measured: the page must not scroll.
    for (let k = 0; k < 3 && root.scrollHeight > innerHeight; k++) {
      height -= root.scrollHeight - innerHeight + 2;
      set(height);
    }
  }
}

// render draws a frame from a pane's worker: the plane at once, the chart and the numbers at
// most ten times a second while playing (they change little from one frame to the next, and
// drawing them every frame cost as much as the plane), and always the last ones.
function render(frame) {
  const t0 = performance.now();
  lastFrame = frame;
  frame.panes.forEach((pane) => {
    const i = pane.pane, el = paneEls[i];
    // A frame older than the one drawn (the play loop paints on the next refresh; a changed
    // setting may have been drawn meanwhile) is not drawn over it.
    if (paneFrames[i] && frame.id < paneFrames[i].id) return;
    paneFrames[i] = { ...frame, panes: [pane] };
    drawPlane(el.plane, frame, pane, frame.bytes[`heatmap.${i}`], pane.heatmapCells || catalogue.limits.heatmapSize);
    if (document.activeElement === el.plane) drawCrossHair(el.plane, frame.extent);
    const h = histories[i];
    if (h.length === 0 || h[h.length - 1].epoch !== pane.epoch) {
      h.push({ epoch: pane.epoch, trainLoss: pane.trainLoss, testLoss: pane.testLoss, trainAccuracy: pane.trainAccuracy, testAccuracy: pane.testAccuracy });
      if (h.length > 2000) h.splice(0, h.length - 2000);
    }
    el.root.dataset.epoch = pane.epoch;
    el.root.dataset.heatmapCells = pane.heatmapCells;
    // Milliseconds since navigation to the first frame after training, for the measurements.
    if (pane.epoch > 0 && !document.body.dataset.firstTrainedMs) document.body.dataset.firstTrainedMs = Math.round(performance.now());
    el.root.dataset.trainAccuracy = pane.trainAccuracy;
    el.root.dataset.testAccuracy = pane.testAccuracy;
    el.root.dataset.diverged = pane.diverged;
    if (h.length < 2 || pane.trainAccuracy > 1 / Math.max(2, state.data.classes) + 0.15) el.stuck = false;
    el.stuck = el.stuck || stoppedLearning(pane, h);
    const stuck = !pane.diverged && el.stuck;
    el.alert.hidden = !pane.diverged && !stuck;
    const alert = pane.diverged ? pane.message || "" : stuck
      ? "This network has stopped learning: for many epochs it has done little better than a guess, and its loss is not falling. Lower the learning rate and press Reset (or try another activation)."
      : "";
    if (el.alert.textContent !== alert) el.alert.textContent = alert;
    if (pane.network) drawNetwork(el.net, pane.network, frame.bytes[`thumbnails.${i}`], catalogue.limits.thumbnailSize, (layer, from, to, value) => editWeight(i, layer, from, to, value));
  });
  scheduleText();
  document.body.dataset.points = frame.points.length;
  document.body.dataset.frames = ++renderCount; // read by the frame-rate measurement
  document.body.dataset.timing = JSON.stringify({ worker: frame.workerMs, parse: frame.parseMs, render: performance.now() - t0 });
}

// Both panes' charts and numbers are drawn together, from their last frames, once the frames
// in hand are drawn (so the two always show the same epoch); while playing, at most ten times
// a second.
let textPending = false, textAt = 0;
function scheduleText() {
  if (textPending) return;
  textPending = true;
  const draw = () => {
    textPending = false;
    textAt = performance.now();
    paneFrames.forEach((f, i) => f && drawPaneText(i, f.panes[0]));
  };
  if (playing) setTimeout(draw, Math.max(0, textAt + 100 - performance.now()));
  else queueMicrotask(draw);
}

// drawPaneText draws pane i's chart and its line of numbers.
function drawPaneText(i, pane) {
  const el = paneEls[i];
  drawChart(el.chart, histories[i]);
  const pct = (v) => (100 * v).toFixed(1) + "%";
  el.stats.textContent = `${pane.architecture} · epoch ${pane.epoch} · train ${pct(pane.trainAccuracy)} · test ${pct(pane.testAccuracy)} · loss ${pane.trainLoss.toFixed(3)} / ${pane.testLoss.toFixed(3)}`;
}

function drawCrossHair(canvas, ext) {
  const ctx = canvas.getContext("2d"), W = canvas.width;
  const px = ((cursor.x + ext) / (2 * ext)) * W, py = ((ext - cursor.y) / (2 * ext)) * W, r = W / 25;
  ctx.strokeStyle = "#000";
  ctx.lineWidth = Math.max(2, W / 200);
  ctx.beginPath();
  ctx.moveTo(px - r, py); ctx.lineTo(px + r, py);
  ctx.moveTo(px, py - r); ctx.lineTo(px, py + r);
  ctx.stroke();
}

// stoppedLearning tells a network that has stalled (a learning rate far too high, say, leaves the
// plane one colour at a huge loss) from one that is still improving or has learned.
// It is said once the last 40 frames never beat a guess by much and their best loss is no better
// than the 40 before, and it stays said until the network does better or starts again.
function stoppedLearning(pane, history) {
  const guess = 1 / Math.max(2, state.data.classes) + 0.15;
  if (pane.kind !== "mlp" || history.length < 80 || pane.trainAccuracy > guess) return false;
  const recent = history.slice(-40), before = history.slice(-80, -40);
  const best = (hs) => Math.min(...hs.map((h) => h.trainLoss));
  return recent.every((h) => h.trainAccuracy <= guess) && best(recent) >= 0.98 * best(before);
}

// editWeight asks for a weight's new value in the page's own dialog (not window.prompt, which a
// projector's audience cannot read and a phone hides), and sets it.
function editWeight(pane, layer, from, to, value) {
  const dialog = $("#weightDialog"), input = $("#wdValue");
  const what = from === -1 ? `the bias of neuron ${to + 1}` : `the weight into neuron ${to + 1}`;
  $("#wdTitle").textContent = `${pane ? "Right" : "Left"} pane, layer ${layer + 1}: ${what} is ${value.toFixed(3)}.`;
  $("#wdError").textContent = "";
  input.value = value.toFixed(3);
  const returnTo = document.activeElement;
  dialog.onclose = () => {
    if (returnTo && returnTo.focus) returnTo.focus({ preventScroll: true });
    if (dialog.returnValue !== "set") return;
    request({ type: "setWeight", pane, layer, from, to, value: Number(input.value), network: true }, [pane]);
  };
  $("#wdSet").onclick = (e) => {
    const v = Number(input.value);
    const most = catalogue.limits.maxWeight;
    if (input.value.trim() === "" || !Number.isFinite(v) || Math.abs(v) > most) {
      e.preventDefault();
      $("#wdError").textContent = `Give a number between -${most} and ${most}.`;
    }
  };
  dialog.showModal();
  input.select();
}

// ---------------------------------------------------------------------------------------------
// The scene in the URL.

function saveURL() {
  $("[data-section=lab]").href = toHash(state);
  // Only the lab's own address holds the scene; a lesson's or the digits' stays as it is.
  if (location.hash && !location.hash.startsWith("#lab")) return;
  history.replaceState(null, "", toHash(state));
}

// showScene names the scene on screen: its caption, and the list showing it. Any other change of
// data or model leaves the named scene, and the list says so.
function showScene(name) {
  $("#preset").value = name || "";
  $("#caption").textContent = name ? catalogue.scenes[name].caption : "";
  // What the caption points at besides the planes stays on a projector's screen too.
  document.body.dataset.sceneShows = (name && catalogue.scenes[name].shows) || "";
  requestAnimationFrame(fitCanvases); // a caption of another length moves the planes
  // Choosing a scene again restarts it: the list's first entry becomes "restart" while one is on.
  const first = $("#preset").options[0];
  first.value = name ? "restart" : "";
  first.textContent = name ? "↻ Restart this scene" : "Choose a scene…";
  $("#preset").dataset.scene = name || "";
}

async function applyState(next, message, scene = "") {
  // A link or the default that is exactly a scene is named as that scene.
  if (!scene) scene = sceneOf(catalogue, next);
  setPlaying(false);
  generation++;
  state = next;
  histories[0] = []; histories[1] = [];
  // The worker judges the scene before the page builds anything from it (a link may ask for ten
  // million classes). The first frame comes sooner without the network view and from the coarse
  // grid (the worker's code is still being compiled then); the full frame follows at once.
  const reply = await request({ type: "setScene", data: state.data, models: state.panes, coarse: true }, [0, 1], true);
  if (reply.type === "error") {
    // A link with values the worker refuses: fall back to the default scene and say so.
    return applyState(defaultState(catalogue), "This link asks for something the lab cannot do (" + reply.error + "); showing the default scene.");
  }
  fillDataForm();
  $("#speed").value = state.speed;
  $("#speedOut").textContent = state.speed;
  $("#big").checked = state.big;
  document.body.classList.toggle("big", state.big);
  state.panes.forEach((_, i) => fillModelForm(i));
  showScene(scene);
  saveURL();
  if (message) notice(message, true);
  // The network view and the full heatmap follow once the page has drawn (the play loop brings
  // them itself).
  const gen = generation;
  setTimeout(() => { if (!playing && gen === generation) request({ type: "frame", network: true }); }, 200);
}

// ---------------------------------------------------------------------------------------------

function wire() {
  window.addEventListener("resize", () => requestAnimationFrame(fitCanvases));
  $("#play").addEventListener("click", () => setPlaying(!playing));
  $("#step").addEventListener("click", () => { setPlaying(false); request({ type: "train", epochs: 1, network: true }); });
  $("#reset").addEventListener("click", () => {
    setPlaying(false);
    histories[0] = []; histories[1] = [];
    request({ type: "reset", network: true });
  });
  $("#speed").addEventListener("input", () => {
    state.speed = Number($("#speed").value);
    $("#speedOut").textContent = state.speed;
    saveURL();
  });
  $("#big").addEventListener("change", () => {
    state.big = $("#big").checked;
    document.body.classList.toggle("big", state.big);
    saveURL();
  });
  $("#preset").addEventListener("change", () => {
    let name = $("#preset").value;
    if (name === "restart") name = $("#preset").dataset.scene;
    if (catalogue.scenes[name]) applyState(sceneState(catalogue, name), null, name);
  });
  for (const f of dataFields) {
    const input = $("#" + f);
    let timer;
    input.addEventListener(input.tagName === "SELECT" || input.type === "range" ? "change" : "input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => dataChanged(input), input.tagName === "SELECT" || input.type === "range" ? 0 : 450);
    });
  }
  $("#noise").addEventListener("input", () => { $("#noiseOut").textContent = Number($("#noise").value).toFixed(2); });
  $("#testFraction").addEventListener("input", () => { $("#testOut").textContent = Math.round(100 * $("#testFraction").value) + "%"; });
  $("#regen").addEventListener("click", () => { $("#seed").value = Math.floor(Math.random() * 100000); dataChanged(); });
  document.addEventListener("keydown", (e) => {
    // The shortcuts apply only when no control has focus: Space on a focused button presses that
    // button, as everywhere else.
    if ($("#lab-page").hidden || e.target.closest("input, select, textarea, button, a, [tabindex]") || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === " ") { e.preventDefault(); setPlaying(!playing); }
    else if (key === "s" || key === "arrowright") $("#step").click();
    else if (key === "r") $("#reset").click();
    else if (key === "+" || key === "=") { $("#speed").value = Math.min(20, state.speed + 1); $("#speed").dispatchEvent(new Event("input")); }
    else if (key === "-") { $("#speed").value = Math.max(1, state.speed - 1); $("#speed").dispatchEvent(new Event("input")); }
    else if (key === "b") { $("#big").checked = !$("#big").checked; $("#big").dispatchEvent(new Event("change")); }
  });
}

// show is called when the address turns to the lab: #lab (as it was) or a scene's link.
export function show(hash) {
  if (!state) return;
  requestAnimationFrame(fitCanvases); // it may have been hidden when the window changed
  if (hash === "#lab" || hash === "" || hash === "#") { saveURL(); return; }
  const { state: s, error } = fromHash(hash, catalogue);
  // A bad link falls back to the default scene with a sentence, even if that is what shows.
  if (error || JSON.stringify(s) !== JSON.stringify(state)) applyState(s, error);
}

// hide is called when another section opens: the lab stops playing.
export function hide() {
  setPlaying(false);
}

// start makes the lab's workers (boot.js may have started them), learns the catalogue, and
// shows the scene in hash (a #lab=… link, or the default).
export async function start(module, showNotice, hash) {
  notice = showNotice;
  workers = [0, 1].map((i) => connect("lab", module, { notice, worker: window.somehowLabWorkers?.[i] }));
  buildPanes();
  wire();
  // Lay the page out, size the canvases and draw them empty now, while the workers start: a
  // canvas's first drawing (its memory, its fonts) would otherwise delay the first frame.
  fitCanvases();
  for (const el of paneEls) {
    drawPlane(el.plane, { extent: 1, points: [] }, {}, null, 0);
    drawChart(el.chart, []);
  }
  const c = await workers[0].ask({ type: "catalogue" });
  if (c.type !== "catalogue") return;
  catalogue = c;
  fillFromCatalogue();
  const { state: s, error } = fromHash(hash, catalogue);
  await applyState(s, error);
  document.body.dataset.readyMs = Math.round(performance.now());
  document.body.dataset.ready = "true";
}

// fillFromCatalogue lists the worker's scenes and activations, and puts its limits on the
// fields that have them.
function fillFromCatalogue() {
  const list = $("#preset");
  for (const o of [...list.options].slice(1)) o.remove();
  for (const name of catalogue.sceneNames) list.add(new Option(catalogue.scenes[name].title, name));
  const l = catalogue.limits;
  $("#points").max = l.maxPoints;
  $("#classes").max = l.maxClasses;
  for (const el of paneEls) {
    $(".m-lr", el.root).max = l.maxLearningRate;
    $(".m-batch", el.root).max = l.maxBatch;
    $(".m-hidden", el.root).title = `Neurons per hidden layer, e.g. 8,8 (0 to ${l.maxHiddenLayers} layers of 1 to ${l.maxHiddenUnits})`;
    for (const [sel, use] of [[".m-activation", "hidden"], [".m-output", "classes"]]) {
      const select = $(sel, el.root);
      select.textContent = "";
      for (const a of catalogue.activations) if (a[use]) select.add(new Option(a.name, a.name));
    }
  }
}

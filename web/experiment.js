// The paper's experiment on the digits page: its 784-16-16-16-10 network trained twice, side by
// side in two workers, exactly as the paper writes it and with the softmax + cross-entropy the
// paper wishes for, drawn against the paper's own figures. Messages: core/engine/protocol.go.
import { $, colors, lineChart, swapButtons } from "./plot.js";
import { connect } from "./rpc.js";
import { MNIST, mnistMissing, PAPER } from "./paper.js";

// The two recipes (core/mnist presets) and how the chart names them.
const RECIPES = [
  { preset: "paper", label: "as written: sigmoid output + squared error", color: colors.test },
  { preset: "paper-softmax", label: "the paper's wish: softmax + cross-entropy", color: colors.blue },
];

let module, notice;
let workers = null; // one per recipe, made on the first run
let running = null; // {stopped}
let runs = [[], []]; // per recipe: one history (EpochReports) per seed

const params = new URLSearchParams(location.search); // tests ask for a shorter run
const limits = { trainLimit: Number(params.get("trainLimit")) || 0, epochs: Number(params.get("experimentEpochs")) || 5 };

const ask = (i, msg) => workers[i].ask(msg);

function draw() {
  const epochs = limits.epochs;
  const series = [], bands = [];
  RECIPES.forEach((r, i) => {
    runs[i].forEach((h, k) => series.push({
      points: h.map((e) => [e.epochsDone, Math.max(e.testError, 1)]), color: r.color, dots: true,
      width: runs[i].length > 1 ? 1.5 : 2.5, label: k === 0 ? r.label : undefined,
    }));
    if (runs[i].length > 1) { // the spread over seeds at each finished epoch
      for (let e = 1; e <= epochs; e++) {
        const at = runs[i].map((h) => h.find((x) => x.epoch === e && !x.stopped)).filter(Boolean).map((x) => x.testError);
        if (at.length > 1) bands.push({ x: e, y0: Math.max(1, Math.min(...at)), y1: Math.max(...at), color: r.color });
      }
    }
  });
  lineChart($("#xChart"), {
    x: { min: 0, max: epochs, label: "epoch", ticks: Array.from({ length: epochs + 1 }, (_, e) => e) },
    y: { min: 1, max: 100, log: true, label: "test error (log scale)", format: (v) => v + "%" },
    series, bands,
    marks: PAPER.map((p) => ({ x: p.epoch, y: p.error, color: p.best ? colors.green : colors.ink, r: 6, ring: true })),
    legend: PAPER.filter((p) => p.label).map((p) => ({ label: p.label, color: p.best ? colors.green : colors.ink, mark: true })),
  });
  const lines = series.filter((s) => s.points.length).length;
  $("#xChart").dataset.lines = lines;
  $("#xChart").dataset.recipesDrawn = RECIPES.filter((_, i) => runs[i].some((h) => h.length)).length;
}

// status sums up where each recipe stands, in one line each.
function status(progress) {
  const lines = RECIPES.map((r, i) => {
    const p = progress[i];
    if (!p) return `${r.label}: ${running && running.stopped ? "stopped before it began" : "waiting"}`;
    const last = p.history[p.history.length - 1];
    const seed = p.seeds > 1 ? ` (seed ${p.seed} of ${p.seeds})` : "";
    if (p.stopped) return `${r.label}: stopped after ${p.epochsDone.toFixed(1)} epochs${last ? `, test error ${last.testError.toFixed(2)}%` : ""}`;
    if (p.finished && p.seed === p.seeds) {
      if (p.seeds === 1) return `${r.label}: done, test error ${last.testError.toFixed(2)}% after ${last.epoch} epochs`;
      const ends = runs[i].map((h) => h[h.length - 1].testError);
      return `${r.label}: done, test error ${Math.min(...ends).toFixed(2)}–${Math.max(...ends).toFixed(2)}% after ${last.epoch} epochs over ${p.seeds} seeds`;
    }
    return `${r.label}${seed}: epoch ${Math.min(p.epoch + 1, p.epochs)} of ${p.epochs}${last ? `, last test error ${last.testError.toFixed(1)}%` : ""}`;
  });
  $("#xStatus").textContent = lines.join(" · ");
}

async function runRecipe(i, seeds, progress) {
  for (let seed = 1; seed <= seeds && !running.stopped; seed++) {
    runs[i].push([]);
    const k = runs[i].length - 1;
    let p = await ask(i, { type: "trainStart", train: { preset: RECIPES[i].preset, epochs: limits.epochs, seed, trainLimit: limits.trainLimit } });
    while (p.type === "progress" && !p.finished && !running.stopped) {
      p = await ask(i, { type: "trainSlice", budgetMs: 40 });
      if (p.type !== "progress") break;
      runs[i][k] = p.history;
      progress[i] = { ...p, seed, seeds };
      status(progress);
      draw();
    }
    if (running.stopped && p.type === "progress" && !p.finished) {
      p = await ask(i, { type: "trainStop" });
      if (p.type === "progress") { runs[i][k] = p.history; progress[i] = { ...p, seed, seeds }; }
    }
  }
}

async function run() {
  if (running) return;
  running = { stopped: false };
  swapButtons($("#xStart"), $("#xStop"));
  document.body.dataset.experiment = "running";
  runs = [[], []];
  draw();
  if (!workers) workers = RECIPES.map(() => connect("digits", module, { notice }));
  $("#xStatus").textContent = "Loading MNIST (11 MB) into both workers…";
  const loaded = await Promise.all(workers.map((w) => w.ask({ type: "loadMNIST", fetch: MNIST }, { quiet: true })));
  if (loaded.every((r) => r.type === "mnist")) {
    const progress = [null, null];
    const seeds = $("#xSeeds").checked ? 3 : 1;
    await Promise.all(RECIPES.map((_, i) => runRecipe(i, seeds, progress)));
    status(progress);
    draw();
  } else {
    const why = (await mnistMissing()) || loaded.find((r) => r.type === "error").error;
    $("#xStatus").textContent = "Could not load MNIST: " + why;
    notice(why, true);
  }
  running = null;
  swapButtons($("#xStop"), $("#xStart"));
  document.body.dataset.experiment = "done";
}

// start wires the experiment's controls; compiled is the compiled WebAssembly module.
export function start(compiled, showNotice) {
  module = compiled;
  notice = showNotice;
  $("#xStart").addEventListener("click", run);
  $("#xStop").addEventListener("click", () => { if (running) running.stopped = true; });
  draw();
}

// The listening page: say a digit (or play a recording, or upload an MP3) and watch a network
// read its spectrogram. The sound is turned into the spectrogram and read by the Go core in this
// page's own worker (messages: core/engine/protocol.go); this file records, asks and paints.
import { $, colors, featureMaps, fitCanvas, lineChart, outputBars, paintPixels, signedImage, swapButtons } from "./plot.js";
import { connect, teach } from "./rpc.js";

let worker, notice = () => {};
let speakers = [];
let heardCount = 0; // readings shown, for the tests

// show paints a Heard reply: the verdict, the bars, the waveform, the spectrogram, the maps.
function show(r, caption) {
  if (r.type !== "heard") return;
  $("#heard").textContent = caption || `Sounds like ${r.digit === 8 ? "an" : "a"} ${r.digit}`;
  $("#heard").dataset.digit = r.digit;
  outputBars($("#heardBars"), r.outputs, r.digit);
  $("#heardSeconds").textContent = `${r.seconds.toFixed(2)} s`;
  drawWaveform(r.bytes.waveform);
  // Band 0, the lowest pitch, at the bottom; louder is darker.
  const s = r.bytes.spectrogram;
  paintPixels($("#spectrogram"), r.frames, r.bands, (i) => {
    const row = r.bands - 1 - Math.floor(i / r.frames), v = 255 - s[row * r.frames + (i % r.frames)];
    return [v, v, Math.min(255, v + 30)];
  });
  if (r.stages) { lastMaps = r; showMaps(); }
  // On a projector the page grew by its bars: the figures fit the screen again.
  if (document.body.classList.contains("presenter")) window.dispatchEvent(new Event("resize"));
  document.body.dataset.heard = ++heardCount;
  document.body.dataset.heardDigit = r.digit;
}

function drawWaveform(w) {
  const c = $("#waveform");
  fitCanvas(c);
  const ctx = c.getContext("2d"), W = c.width, H = c.height, n = w.length / 2;
  ctx.fillStyle = colors.paper;
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = colors.blue;
  ctx.beginPath();
  for (let p = 0; p < n; p++) {
    const x = (p / n) * W;
    ctx.moveTo(x, H * (1 - w[2 * p + 1] / 255));
    ctx.lineTo(x, H * (1 - w[2 * p] / 255) + 1);
  }
  ctx.stroke();
}

// hear asks the worker to read a recording: bytes {mp3} or {pcm} (with its rate), or a fetched
// MP3 file.
async function hear(msg, caption) {
  const r = await worker.ask({ type: "hear", features: true, ...msg });
  if (r.type === "heard") show(r, caption);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Recordings from FSDD (when `make fsdd` has put them beside the page).

const clipName = () => `${$("#clipDigit").value}_${$("#clipSpeaker").value}_${Number($("#clipIndex").value) || 0}.mp3`;

async function playClip() {
  const name = clipName();
  // Fetched once: the audio element plays a copy, the worker reads the bytes.
  const res = await fetch("assets/fsdd/mp3/" + name).catch(() => null);
  if (!res || !res.ok) { notice(`${name} could not be fetched${res ? ` (${res.status})` : ""}: FSDD has takes 0 to 49.`, true); return; }
  const mp3 = await res.arrayBuffer();
  const audio = $("#clipAudio");
  URL.revokeObjectURL(audio.src);
  audio.src = URL.createObjectURL(new Blob([mp3], { type: "audio/mpeg" }));
  audio.play().catch(() => {}); // a page may not play sound until it is clicked: reading goes on
  const r = await hear({ bytes: { mp3 } });
  if (r.type === "heard") $("#micStatus").textContent = `${name}: ${$("#clipSpeaker").value} saying ${$("#clipDigit").value}.`;
}

function shuffle() {
  $("#clipDigit").value = String(Math.floor(Math.random() * 10));
  $("#clipSpeaker").value = speakers[Math.floor(Math.random() * speakers.length)];
  $("#clipIndex").value = String(Math.floor(Math.random() * 50));
  playClip();
}

async function findFSDD() {
  const res = await fetch("assets/fsdd/speakers.txt").catch(() => null);
  if (!res || !res.ok) {
    $("#clipPicker").hidden = true;
    $(".listen-train").hidden = true;
    $("#fsddMissing").hidden = false;
    $("#fsddMissing").textContent = "FSDD's recordings are not beside this page (`make fsdd` copies them; the README says how to make them): the microphone and MP3 files still work.";
    return;
  }
  speakers = (await res.text()).split("\n").map((s) => s.trim()).filter(Boolean);
  for (let d = 0; d < 10; d++) $("#clipDigit").add(new Option(String(d), String(d)));
  for (const s of speakers) {
    $("#clipSpeaker").add(new Option(s, s));
    $("#ltFold").add(new Option(`every recording of ${s}`, s));
  }
}

// ---------------------------------------------------------------------------------------------
// The microphone: push to talk. While the button (or Space) is held the samples are kept; let go
// and they are read, at the microphone's own rate (the worker resamples).

let mic = null; // {ctx, stream, node, chunks}

// startTalking opens the microphone while button is held; use(pcm, rate) gets the recording.
async function startTalking(button = $("#talk"), use = hearRecording) {
  if (mic) return;
  mic = { chunks: [], button, use };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    if (!mic) { stream.getTracks().forEach((t) => t.stop()); return; } // let go already
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    // A ScriptProcessor hands the samples to the page as they come (no extra module to load).
    const node = ctx.createScriptProcessor(4096, 1, 1);
    node.onaudioprocess = (e) => { if (mic) mic.chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
    source.connect(node);
    node.connect(ctx.destination);
    Object.assign(mic, { ctx, stream, node });
    button.classList.add("talking");
    $("#micStatus").textContent = "Listening… say one digit, then let go.";
  } catch (err) {
    mic = null;
    $("#micStatus").textContent = "The microphone cannot be used here (" + err.message + "): allow it in the browser, or play a recording.";
  }
}

async function stopTalking() {
  const m = mic;
  mic = null;
  if (!m) return;
  m.button.classList.remove("talking");
  if (!m.ctx) return;
  m.node.disconnect();
  m.stream.getTracks().forEach((t) => t.stop());
  const rate = m.ctx.sampleRate;
  m.ctx.close();
  const n = m.chunks.reduce((s, c) => s + c.length, 0);
  const pcm = new Float32Array(n);
  let at = 0;
  for (const c of m.chunks) { pcm.set(c, at); at += c.length; }
  if (n < rate / 10) { $("#micStatus").textContent = "That was too short: hold the button while you speak."; return; }
  await m.use(pcm, rate);
}

async function hearRecording(pcm, rate) {
  const r = await hear({ rate, bytes: { pcm: pcm.buffer } });
  $("#micStatus").textContent = r.type === "heard" ? `Heard ${r.seconds.toFixed(2)} s of speech.` : r.error;
}

// ---------------------------------------------------------------------------------------------
// Teach it your voice: the person's own recordings, kept in the worker (this tab only), and a
// short fine-tuning on them with some of FSDD replayed so nothing is forgotten.

function showCounts(e) {
  if (e.type !== "examples") return;
  const total = e.counts.reduce((a, b) => a + b, 0);
  $("#teachCounts").textContent = total ? e.counts.map((n, d) => `${d}: ${n}`).join(" · ") : "No examples yet.";
  $("#teachLearn").disabled = total < 2;
  $("#teachClear").disabled = total === 0;
  document.body.dataset.examples = total;
}

async function addExample(bytes, rate) {
  const e = await worker.ask({ type: "addExample", digit: Number($("#teachDigit").value), rate, bytes });
  showCounts(e);
}

async function learnVoice() {
  $("#teachLearn").disabled = true;
  $("#teachStatus").textContent = "Learning your voice…";
  const t = await teach(worker, { type: "teach", epochs: 15 }, (r) => {
    $("#teachStatus").textContent = `Learning your voice… ${Math.round(100 * r.done / Math.max(r.total, 1))}%`;
  });
  $("#teachLearn").disabled = false;
  if (t.type !== "taught") { $("#teachStatus").textContent = t.error; return; }
  const pct = (v) => `${Math.round(100 * v)}%`;
  $("#teachStatus").textContent = t.held
    ? `Of your ${t.held} held-back recordings, ${pct(t.before)} were read right before and ${pct(t.after)} now (learnt from ${t.taught}). It listens with your voice in mind now.`
    : `Learnt from ${t.taught} recordings (give two or more of a digit to hold some back and see the difference).`;
  $("#listenModelInfo").textContent = "taught your voice, in this tab";
  await showFilters(); // what the lesson changed in them
  document.body.dataset.taught = JSON.stringify(t);
}

// ---------------------------------------------------------------------------------------------
// Hands-free: the microphone stays open, and each word is cut out of the sound by its loudness:
// it starts when a 20 ms stretch is well above the room's noise, and ends after 350 ms of quiet;
// 150 ms before its start are kept (a word's first sound is soft). Each word is read as it ends.

let free = null; // {ctx, stream, node, noise, pre, word, quiet}

async function startHandsFree() {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    const ctx = new AudioContext(), rate = ctx.sampleRate, frame = Math.round(rate / 50);
    const source = ctx.createMediaStreamSource(stream), node = ctx.createScriptProcessor(4096, 1, 1);
    free = { ctx, stream, node, noise: 0.002, pre: [], word: null, quiet: 0, rate };
    let pending = new Float32Array(0);
    node.onaudioprocess = (e) => {
      if (!free) return;
      const input = e.inputBuffer.getChannelData(0);
      const all = new Float32Array(pending.length + input.length);
      all.set(pending); all.set(input, pending.length);
      let at = 0;
      for (; at + frame <= all.length; at += frame) listenFrame(all.subarray(at, at + frame));
      pending = all.slice(at);
    };
    source.connect(node);
    node.connect(ctx.destination);
    $("#handsFree").setAttribute("aria-pressed", "true");
    $("#micStatus").textContent = "Hands-free: say digits, with a short pause after each.";
  } catch (err) {
    free = null;
    $("#micStatus").textContent = "The microphone cannot be used here (" + err.message + "): allow it in the browser, or play a recording.";
  }
}

function listenFrame(f) {
  let sum = 0;
  for (const v of f) sum += v * v;
  const rms = Math.sqrt(sum / f.length), loud = rms > Math.max(0.01, 4 * free.noise);
  if (!free.word) {
    free.pre.push(f.slice());
    if (free.pre.length > 8) free.pre.shift(); // 160 ms before a word
    if (loud) { free.word = [...free.pre]; free.quiet = 0; }
    else free.noise = 0.95 * free.noise + 0.05 * rms; // the room's level, while nobody speaks
    return;
  }
  free.word.push(f.slice());
  free.quiet = loud ? 0 : free.quiet + 1;
  const seconds = (free.word.length * f.length) / free.rate;
  if (free.quiet >= 18 || seconds > 3) { // 360 ms of quiet, or a word too long to be one
    const word = free.word;
    free.word = null;
    free.pre = [];
    if (seconds - 0.36 >= 0.15) readWord(word, free.rate); // a click is not a word
  }
}

async function readWord(frames, rate) {
  const pcm = new Float32Array(frames.reduce((s, f) => s + f.length, 0));
  let at = 0;
  for (const f of frames) { pcm.set(f, at); at += f.length; }
  const r = await hear({ rate, bytes: { pcm: pcm.buffer } });
  if (r.type === "heard") {
    $("#micStatus").textContent = `Hands-free: heard ${r.seconds.toFixed(2)} s, read as ${r.digit}.`;
    document.body.dataset.handsFreeDigits = (document.body.dataset.handsFreeDigits || "") + r.digit;
  }
}

function stopHandsFree() {
  if (!free) return;
  free.node.disconnect();
  free.stream.getTracks().forEach((t) => t.stop());
  free.ctx.close();
  free = null;
  $("#handsFree").setAttribute("aria-pressed", "false");
  $("#micStatus").textContent = "Hands-free is off.";
}

// ---------------------------------------------------------------------------------------------
// Training on FSDD in the worker: the recordings are read (decoded, trimmed, turned into
// spectrograms) a slice at a time, then trained on a slice at a time, the held-out ones scored
// after every epoch.

let fsddLoaded = false, training = null, history = [];

async function loadFSDD() {
  if (fsddLoaded) return true;
  // ?fsddLimit=N reads only the first N recordings (tests ask for a quicker run).
  const limit = Number(new URLSearchParams(location.search).get("fsddLimit")) || 0;
  let r = await worker.ask({ type: "loadFSDD", budgetMs: 100, limit, fetch: { fsdd: "assets/fsdd/fsdd.tar" } });
  while (r.type === "fsdd" && !r.done) {
    $("#ltStatus").textContent = `Reading the recordings: ${r.decoded} of ${r.total}…`;
    r = await worker.ask({ type: "loadFSDD", budgetMs: 100 });
  }
  if (r.type !== "fsdd") { $("#ltStatus").textContent = "Could not read FSDD: " + r.error; return false; }
  fsddLoaded = true;
  return true;
}

function drawTraining() {
  lineChart($("#ltChart"), {
    x: { min: 0, max: Math.max(Number($("#ltEpochs").value) || 10, history.length), label: "epoch" },
    y: { min: 0, max: 100, label: "held-out read right", format: (v) => v + "%" },
    series: [{ points: history.map((h) => [h.epoch, 100 * h.accuracy]), color: colors.ink, width: 2.5, dots: true, label: "yours" }],
    empty: "The share of held-out recordings read right appears here, epoch by epoch.",
  });
}

function showProgress(p) {
  history = p.history;
  drawTraining();
  const last = p.history[p.history.length - 1];
  const held = p.fold === "fsdd" ? "FSDD's test recordings" : `${p.fold}'s recordings`;
  $("#ltStatus").textContent = p.finished
    ? `${p.stopped ? "Stopped" : "Done"} after ${p.epoch} epoch${p.epoch === 1 ? "" : "s"}` + (last ? `: ${(100 * last.accuracy).toFixed(1)}% of ${held} read right.` : ".")
    : `Epoch ${p.epoch + 1} of ${p.epochs}: ${p.done} / ${p.total} recordings` + (last ? ` · last epoch ${(100 * last.accuracy).toFixed(1)}% of ${held} right` : "");
  document.body.dataset.listenEpoch = p.epoch;
}

async function train() {
  swapButtons($("#ltStart"), $("#ltStop"));
  $("#ltUse").disabled = true;
  training = { stopped: false };
  if (!(await loadFSDD())) { swapButtons($("#ltStop"), $("#ltStart")); training = null; return; }
  await worker.team();
  let p = await worker.ask({ type: "trainStart", train: { fold: $("#ltFold").value, epochs: Number($("#ltEpochs").value), seed: 1 } });
  while (p.type === "progress" && !p.finished) {
    showProgress(p);
    p = await worker.ask({ type: training.stopped ? "trainStop" : "trainSlice", budgetMs: 40 });
  }
  if (p.type === "progress") showProgress(p);
  training = null;
  swapButtons($("#ltStop"), $("#ltStart"));
  $("#ltUse").disabled = p.type !== "progress" || p.history.length === 0;
  document.body.dataset.listenTraining = "done";
}

async function useTrained() {
  const m = await worker.ask({ type: "useTrained" });
  if (m.type !== "model") return;
  await showModel(m, "yours: ");
  notice("Your network listens now.");
}

// ---------------------------------------------------------------------------------------------

async function loadModel() {
  const m = await worker.ask({ type: "loadModel", fetch: { model: "assets/models/listen.somehow" } });
  if (m.type === "model") await showModel(m, "");
}

// showModel says which network listens (a vote of networks says so) and draws its filters.
async function showModel(m, whose) {
  const vote = m.members > 1 ? `the vote of ${m.members} networks side by side, ` : "";
  $("#listenModelInfo").textContent = `${whose}${vote}${m.architecture} · ${m.parameters.toLocaleString("en")} weights` +
    (m.testError ? ` · ${(100 - m.testError).toFixed(1)}% of FSDD's test recordings right` : "");
  listening = m;
  await showFilters();
}

let listening = null; // the worker's description of the network listening now
let filters = null; // its first-layer filters (a weights reply)
let lastMaps = null; // the last word's heard reply, with its feature maps

// whose is which of a vote's networks the filters and maps are shown of: 0 to members-1, or -1
// for all of them side by side (a network's filters and maps are a run of the vote's: Merge puts
// each network's channels after the one before's).
const whose = () => Number($("#listenWhose").value);

// ofWhose cuts network k's run out of count things (filters or a stage's maps) of a vote.
function ofWhose(count) {
  const members = listening?.members ?? 0, k = whose();
  if (members < 2 || k < 0) return [0, count];
  return [k * count / members, (k + 1) * count / members];
}

// showFilters draws the listening network's first-layer filters as they are now (after teaching
// too), saying whose they are: a vote of five has 80, its networks' 16 each, one network's shown
// at a time unless all are picked.
async function showFilters() {
  const w = await worker.ask({ type: "weights" });
  if (w.type !== "weights") return;
  filters = w;
  const members = listening?.members ?? 0, picker = $("#listenWhose");
  $("#listenWhoseLabel").hidden = members < 2;
  if (members > 1 && picker.options.length !== members + 1) {
    picker.textContent = "";
    for (let k = 0; k < members; k++) picker.add(new Option(`network ${k + 1} of ${members}`, String(k)));
    picker.add(new Option(`all ${members} side by side`, "-1"));
  }
  drawFilters();
}

function drawFilters() {
  const w = filters, box = $("#listenFilters"), n = w.width * w.height, [from, to] = ofWhose(w.count);
  box.textContent = "";
  for (let k = from; k < to; k++) {
    const cv = document.createElement("canvas");
    signedImage(cv, w.bytes.weights.subarray(n * k, n * (k + 1)), w.width);
    box.appendChild(cv);
  }
  const members = listening?.members ?? 0, each = w.count / members;
  const one = "Its first layer's filters, slid over the spectrogram, and what each stage makes of the word.";
  const vote = `${members} networks vote here, side by side, each trained from its own seed (a layer named …/${members} is in ${members} groups, one a network, each seeing only its own network's maps).`;
  $("#listenInsideHint").textContent = members < 2 ? one : whose() < 0
    ? `${vote} The ${w.count} first-layer filters below are their ${each} each, in turn, and the maps too: each filter is slid over the spectrogram, the maps are what each stage makes of the word.`
    : `${vote} Below, network ${whose() + 1}'s ${each} first-layer filters, slid over the spectrogram, and what each of its stages makes of the word; pick another to see how differently it learnt.`;
}

// showMaps draws the last word's feature maps, of the network picked in a vote.
function showMaps() {
  const r = lastMaps, members = listening?.members ?? 0;
  if (!r) return;
  if (members < 2 || whose() < 0) { featureMaps($("#listenMaps"), r.stages, r.bytes.features); return; }
  const stages = [], parts = [];
  let at = 0;
  for (const st of r.stages) {
    const n = st.height * st.width, [from, to] = ofWhose(st.channels);
    // Its own layer's name: conv5x5x80same in a vote of five is each network's conv5x5x16same.
    const name = st.name.replace(/x(\d+)(same)?(\/\d+)?$/, (_, f, same) => `x${f / members}${same || ""}`);
    stages.push({ ...st, name, channels: to - from });
    parts.push(r.bytes.features.subarray(at + from * n, at + to * n));
    at += st.channels * n;
  }
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((o, p) => (bytes.set(p, o), o + p.length), 0);
  featureMaps($("#listenMaps"), stages, bytes);
}

// start makes the page's worker, loads the model and finds the recordings.
// hide: another section opens; the microphone closes.
export function hide() { stopHandsFree(); }

export async function start(module, showNotice) {
  notice = showNotice;
  worker = connect("listen", module, { notice });
  const talk = $("#talk");
  talk.addEventListener("pointerdown", (e) => { e.preventDefault(); talk.setPointerCapture(e.pointerId); startTalking(); });
  talk.addEventListener("pointerup", stopTalking);
  talk.addEventListener("pointercancel", stopTalking);
  document.addEventListener("keydown", (e) => {
    if ($("#listen-page").hidden || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("input, select, textarea, a") || (e.target.closest("button") && e.target !== talk)) return;
    if (e.key === " ") { e.preventDefault(); startTalking(); }
    else if (e.key.toLowerCase() === "r" && !$("#clipPicker").hidden) shuffle();
  });
  document.addEventListener("keyup", (e) => { if (e.key === " " && mic) { e.preventDefault(); stopTalking(); } });
  $("#clipPlay").addEventListener("click", playClip);
  $("#clipShuffle").addEventListener("click", shuffle);
  $("#mp3Upload").addEventListener("change", async () => {
    const file = $("#mp3Upload").files[0];
    if (!file) return;
    $("#mp3Upload").value = "";
    if (file.size > 1 << 20) { notice(`${file.name} is ${Math.round(file.size / 1024)} KB; an MP3 of a spoken digit is at most 1024 KB.`, true); return; }
    const r = await hear({ bytes: { mp3: await file.arrayBuffer() } });
    if (r.type === "heard") $("#micStatus").textContent = `${file.name}: heard ${r.seconds.toFixed(2)} s of speech.`;
  });
  $("#handsFree").addEventListener("click", () => (free ? stopHandsFree() : startHandsFree()));
  const record = $("#teachRecord");
  record.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    record.setPointerCapture(e.pointerId);
    startTalking(record, (pcm, rate) => addExample({ pcm: pcm.buffer }, rate));
  });
  record.addEventListener("pointerup", stopTalking);
  record.addEventListener("pointercancel", stopTalking);
  $("#teachFiles").addEventListener("change", async () => {
    for (const file of $("#teachFiles").files) {
      const digit = Number(file.name[0]);
      if (!/^[0-9]/.test(file.name)) { notice(`${file.name} does not start with its digit (7_anything.mp3).`, true); continue; }
      $("#teachDigit").value = String(digit);
      await addExample({ mp3: await file.arrayBuffer() });
    }
    $("#teachFiles").value = "";
  });
  $("#teachLearn").addEventListener("click", learnVoice);
  $("#listenWhose").addEventListener("change", () => { drawFilters(); showMaps(); });
  $("#teachClear").addEventListener("click", async () => { showCounts(await worker.ask({ type: "clearExamples" })); $("#teachStatus").textContent = ""; });
  $("#ltStart").addEventListener("click", train);
  $("#ltStop").addEventListener("click", () => { if (training) training.stopped = true; });
  $("#ltUse").addEventListener("click", useTrained);
  drawTraining();
  await Promise.all([loadModel(), findFSDD()]);
  document.body.dataset.listenReady = "true";
}

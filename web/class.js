// The class: a teacher opens a class on the projector, students join from their phones (the
// code, the link or the QR code), draw the digit asked for and send it; the projector shows the
// class's digits arriving, read by the network, with the ones it gets wrong, and can teach the
// network the class's handwriting (the digits worker's lesson, as on the digits page). The server
// keeps the class (package class, the routes in api/class.go); a phone needs no network engine.
//
// Addresses: #class (the teacher's, or the form to type a code), #class=CODE (a phone joining).
import { $, canvasPoint, confusionTable, outputBars } from "./plot.js";
import { connect, teach } from "./rpc.js";
import { MNIST, mnistMissing } from "./paper.js";

let notice = () => {};
let module = null;
const PAD = 280; // the pad's side in the units strokes are sent in (core/mnist PadSide)
const TEACHER = "somehow-class-teacher"; // localStorage: {code, key} of the class this browser opened
const phoneKey = (code) => "somehow-class-phone-" + code; // {device, name, colour}
const outboxKey = (code) => "somehow-class-outbox-" + code; // drawings not yet acknowledged

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = (k) => { try { return JSON.parse(localStorage.getItem(k)); } catch { return null; } };
const save = (k, v) => (v == null ? localStorage.removeItem(k) : localStorage.setItem(k, JSON.stringify(v)));

// A random id (crypto.randomUUID needs a secure context; a class on a LAN is plain http).
function randomId() {
  const b = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// call asks the class API; it never throws: status 0 means the network did not answer.
async function call(method, path, { key, device, body, raw } = {}) {
  const headers = {};
  if (key) headers.Authorization = "Bearer " + key;
  if (device) headers["X-Somehow-Device"] = device;
  if (body !== undefined && !(body instanceof Uint8Array)) headers["Content-Type"] = "application/json";
  try {
    const res = await fetch("api/class" + path, { method, headers, body: body instanceof Uint8Array || body === undefined ? body : JSON.stringify(body) });
    if (raw && res.ok) return { ok: true, status: res.status, blob: await res.blob(), name: /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "")?.[1] };
    const data = await res.json().catch(() => ({}));
    return { ok: res.ok, status: res.status, data, error: data.error || res.statusText };
  } catch {
    return { ok: false, status: 0, error: "The network did not answer." };
  }
}

const askedText = (asked) => (asked < 0 ? "Draw any digit, and say which" : `Draw a ${asked}`);

// drawStrokes paints strokes (pad units) on a canvas of any size, with the pad's pen.
function drawStrokes(canvas, strokes) {
  const ctx = canvas.getContext("2d"), k = canvas.width / PAD;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.strokeStyle = "#000";
  ctx.lineWidth = (PAD / 14) * k;
  for (const s of strokes) {
    if (!s.length) continue;
    ctx.beginPath();
    ctx.moveTo(s[0][0] * k, s[0][1] * k);
    if (s.length === 1) ctx.lineTo(s[0][0] * k + 0.1, s[0][1] * k);
    for (const [x, y] of s.slice(1)) ctx.lineTo(x * k, y * k);
    ctx.stroke();
  }
}

// ---------------------------------------------------------------------------------------------
// The teacher's projector.

const room = { code: null, key: null, phones: 0, seq: 0, drawings: new Map(), asked: -1, modelVersion: 0, stop: null, worker: null, mnist: null, tiles: new Map() };

function showOnly(id) {
  for (const s of ["#classStart", "#classTeacher", "#classPhone"]) $(s).hidden = s !== id;
}

async function openClass() {
  $("#classOpen").disabled = true;
  const r = await call("POST", "");
  $("#classOpen").disabled = false;
  if (!r.ok) { $("#classStartStatus").textContent = r.error; return; }
  save(TEACHER, { code: r.data.code, key: r.data.key });
  enterRoom(r.data.code, r.data.key, r.data);
}

// resume opens the class this browser opened, if it is still on.
async function resume() {
  const t = load(TEACHER);
  if (!t) return false;
  const r = await call("GET", `/${t.code}`);
  if (!r.ok) {
    if (r.status !== 0) save(TEACHER, null);
    $("#classStartStatus").textContent = r.status === 0 ? r.error : `Your last class ${t.code}: ${r.error}`;
    return false;
  }
  enterRoom(t.code, t.key, r.data);
  return true;
}

function engine() {
  if (!room.worker) room.worker = connect("digits", module, { notice });
  return room.worker;
}

async function enterRoom(code, key, invite) {
  Object.assign(room, { code, key, phones: 0, seq: 0, asked: -1, modelVersion: 0 });
  room.drawings.clear();
  room.tiles.clear();
  $("#classBoard").textContent = "";
  showOnly("#classTeacher");
  document.body.dataset.classCode = code;
  $("#classCodeShown").textContent = code.slice(0, 3) + " " + code.slice(3);
  const link = invite.links[0];
  $("#classLink").textContent = link.replace(/^https?:\/\//, "");
  $("#classLink").href = link;
  $("#classLocal").hidden = !invite.local;
  $("#classLearnStatus").textContent = "";
  render();
  const qr = await engine().ask({ type: "qr", text: link });
  if (qr.type === "qr") drawQR(qr);
  listen();
}

function drawQR(qr) {
  const c = $("#classQR"), ctx = c.getContext("2d");
  const m = Math.floor(c.width / qr.size), off = Math.floor((c.width - m * qr.size) / 2);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = "#000";
  qr.rows.forEach((row, y) => { for (let x = 0; x < row.length; x++) if (row[x] === "1") ctx.fillRect(off + x * m, off + y * m, m, m); });
  c.dataset.size = qr.size;
  c.setAttribute("aria-label", "The QR code of the join link " + $("#classLink").textContent);
}

// listen follows the class: a server-sent event stream where the server keeps one open (the
// local server), else a question every half second (the edge).
async function listen() {
  room.stop?.();
  let stopped = false;
  const ctrl = new AbortController();
  room.stop = () => { stopped = true; ctrl.abort(); };
  const info = await call("GET", `/${room.code}`);
  while (!stopped) {
    if (info.data?.live === "events") {
      try {
        const res = await fetch(`api/class/${room.code}/events?after=${room.seq}`, { headers: { Authorization: "Bearer " + room.key }, signal: ctrl.signal });
        if ([403, 404, 410].includes(res.status)) { ended((await res.json()).error); return; }
        if (res.ok) {
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            for (let i; (i = buf.indexOf("\n\n")) >= 0;) {
              const ev = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const data = ev.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
              if (!data) continue;
              if (ev.startsWith("event: ended")) { ended(JSON.parse(data).error); return; }
              apply(JSON.parse(data));
            }
          }
        }
      } catch { if (stopped) return; }
      await sleep(1000); // the stream broke (the server restarted, the network dropped): again
    } else {
      const r = await call("GET", `/${room.code}/drawings?after=${room.seq}`, { key: room.key });
      if ([403, 404, 410].includes(r.status)) { ended(r.error); return; }
      if (r.ok) apply(r.data);
      if (!r.data?.more) await sleep(500);
    }
  }
}

function ended(why) {
  room.stop?.();
  save(TEACHER, null);
  showOnly("#classStart");
  $("#classStartStatus").textContent = why || "The class has ended.";
  delete document.body.dataset.classCode;
}

function apply(ch) {
  room.phones = ch.phones;
  room.asked = ch.asked;
  room.modelVersion = ch.modelVersion;
  for (const d of ch.drawings) {
    if (d.hidden) room.drawings.delete(d.id);
    else room.drawings.set(d.id, d);
  }
  room.seq = Math.max(room.seq, ch.seq);
  render();
}

// mnistInWorker loads MNIST into the projector's worker once (learning replays it): it starts
// when the first drawings arrive, so Learn our handwriting answers at once.
function mnistInWorker() {
  room.mnist ||= engine().ask({ type: "loadMNIST", fetch: MNIST }, { quiet: true }).then((mn) => {
    if (mn.type !== "mnist") room.mnist = null; // asked again, and then said, by Learn
    return mn;
  });
  return room.mnist;
}

// render brings the board, the score and the confusion matrix up to date; tiles are made once.
function render() {
  if (room.drawings.size >= 4) mnistInWorker();
  for (const b of document.querySelectorAll("#classTeacher [data-ask]")) b.setAttribute("aria-pressed", String(Number(b.dataset.ask) === room.asked));
  const board = $("#classBoard");
  const groups = new Map();
  for (const g of board.children) groups.set(Number(g.dataset.digit), g);
  for (const [id, tile] of room.tiles) if (!room.drawings.has(id)) { tile.remove(); room.tiles.delete(id); }
  for (const d of room.drawings.values()) {
    if (room.tiles.has(d.id)) continue;
    let g = groups.get(d.said);
    if (!g) {
      g = document.createElement("div");
      g.className = "group";
      g.setAttribute("role", "listitem");
      g.dataset.digit = d.said;
      g.innerHTML = `<h3></h3><div class="tiles"></div>`;
      groups.set(d.said, g);
      const after = [...board.children].find((x) => Number(x.dataset.digit) > d.said);
      board.insertBefore(g, after || null);
    }
    room.tiles.set(d.id, tile(d, g.querySelector(".tiles")));
  }
  let right = 0;
  const conf = Array.from({ length: 10 }, () => new Array(10).fill(0));
  const phones = new Set();
  for (const d of room.drawings.values()) { if (d.digit === d.said) right++; conf[d.said][d.digit]++; phones.add(d.name); }
  for (const [digit, g] of groups) {
    const n = g.querySelector(".tiles").children.length;
    if (!n) { g.remove(); continue; }
    const ok = conf[digit][digit];
    g.querySelector("h3").textContent = `${digit}: ${ok} of ${n} read right`;
  }
  const n = room.drawings.size;
  $("#classScore").textContent = n
    ? `${n} drawing${n === 1 ? "" : "s"} from ${phones.size} phone${phones.size === 1 ? "" : "s"}: ${Math.round((100 * right) / n)}% read right.` +
      (room.modelVersion ? ` Read by the network taught our handwriting (lesson ${room.modelVersion}).` : "")
    : `${room.phones ? `${room.phones} phone${room.phones === 1 ? " has" : "s have"} joined. ` : "Waiting for the first phone to join. "}` +
      `No drawings yet. ${askedText(room.asked)}, everyone!`;
  document.body.dataset.classPhones = room.phones || 0;
  document.body.dataset.classDrawings = n;
  document.body.dataset.classRight = right;
  confusionTable($("#classConfusion"), conf);
}

function tile(d, into) {
  const t = document.createElement("figure");
  t.className = "tile" + (d.digit === d.said ? "" : " wrong");
  t.dataset.id = d.id;
  t.style.setProperty("--who", d.colour);
  const c = Object.assign(document.createElement("canvas"), { width: 84, height: 84 });
  c.setAttribute("role", "img");
  c.setAttribute("aria-label", `${d.name}'s ${d.said}`);
  drawStrokes(c, d.strokes || []);
  const cap = document.createElement("figcaption");
  cap.textContent = d.digit === d.said ? `read ${d.digit}` : `read as ${d.digit}!`; // textContent: a name is never HTML
  const who = Object.assign(document.createElement("span"), { className: "who", textContent: d.name });
  const hide = Object.assign(document.createElement("button"), { className: "hide", textContent: "×", title: "Hide it from every screen" });
  hide.setAttribute("aria-label", `Hide ${d.name}'s drawing`);
  hide.addEventListener("click", async () => {
    t.hidden = true; // at once; the server's answer removes it for good
    const r = await call("POST", `/${room.code}/drawings/${d.id}/hide`, { key: room.key });
    if (!r.ok) { t.hidden = false; notice(r.error, true); }
  });
  cap.appendChild(who);
  t.append(c, cap, hide);
  into.appendChild(t);
  return t;
}

async function setAsked(digit) {
  const r = await call("PUT", `/${room.code}/asked`, { key: room.key, body: { digit } });
  if (!r.ok) { notice(r.error, true); return; }
  room.asked = r.data.asked;
  render();
}

let learning = false;
async function learn() {
  if (learning) return;
  learning = true;
  $("#classLearn").disabled = true;
  const status = $("#classLearnStatus");
  const pct = (v) => `${Math.round(100 * v)}%`;
  try {
    const w = engine();
    const models = await w.ask({ type: "models" }, { quiet: true });
    if (!models.models?.length) {
      status.textContent = "Loading the network…";
      const m = await w.ask({ type: "loadModel", name: "conv", use: true, fetch: { model: "assets/models/conv.somehow" } });
      if (m.type !== "models") { status.textContent = m.error; return; }
    }
    status.textContent = "Loading MNIST (11 MB), replayed so the network forgets nothing…";
    const mn = await mnistInWorker();
    if (mn.type !== "mnist") { status.textContent = "Could not load MNIST: " + ((await mnistMissing()) || mn.error); return; }
    const ex = await call("GET", `/${room.code}/export?format=examples`, { key: room.key });
    if (!ex.ok) { status.textContent = ex.error; return; }
    const list = ex.data.examples;
    if (list.length < 4) { status.textContent = "Draw a few more digits first: it learns from some and keeps others back."; return; }
    const images = new Uint8Array(784 * list.length);
    list.forEach((e, i) => images.set(Uint8Array.from(atob(e.image), (ch) => ch.charCodeAt(0)), 784 * i));
    const t0 = performance.now();
    const r = await teach(w, { type: "teach", digits: list.map((e) => e.digit), writers: list.map((e) => e.writer), bytes: { examples: images } }, (p) => {
      status.textContent = p.phase === "learning"
        ? `Learning the class's handwriting… ${pct(p.done / Math.max(p.total, 1))}`
        : `Learnt in ${((performance.now() - t0) / 1000).toFixed(1)} s. Checking it still reads MNIST… ${pct(p.checked / Math.max(p.checkTotal, 1))}`;
    });
    if (r.type !== "taught") { status.textContent = r.error; return; }
    const file = await w.ask({ type: "exportModel" });
    if (file.type !== "model") { status.textContent = file.error; return; }
    const put = await call("PUT", `/${room.code}/model`, { key: room.key, body: file.bytes.file });
    if (!put.ok) { status.textContent = put.error; return; }
    status.textContent = (r.held
      ? `Of the ${r.held} digits kept back, read right before: ${pct(r.before)}; now: ${pct(r.after)} (learnt from ${r.taught}).`
      : `Learnt from ${r.taught} digits.`) +
      ` MNIST test error ${r.mnistBefore.toFixed(2)}% → ${r.mnistAfter.toFixed(2)}%. Phones now read with it: draw again!`;
    document.body.dataset.classTaught = JSON.stringify(r);
  } finally {
    learning = false;
    $("#classLearn").disabled = false;
  }
}

async function download(format) {
  const r = await call("GET", `/${room.code}/export?format=${format}`, { key: room.key, raw: true });
  if (!r.ok) { notice(r.error, true); return; }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(r.blob);
  a.download = r.name || `class-${room.code}-${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// End the class: a second press within five seconds confirms (no dialog to dismiss on a projector).
let closeArmed = 0;
async function closeClass() {
  const b = $("#classClose");
  if (Date.now() - closeArmed > 5000) {
    closeArmed = Date.now();
    b.textContent = "Press again to end it";
    setTimeout(() => { b.textContent = "End the class"; }, 5000);
    return;
  }
  const r = await call("DELETE", `/${room.code}`, { key: room.key });
  if (!r.ok) { notice(r.error, true); return; }
  b.textContent = "End the class";
  ended(`Class ${room.code} has ended; its drawings are deleted.`);
}

// ---------------------------------------------------------------------------------------------
// A phone.

const phone = { code: null, me: null, asked: null, said: null, strokes: [], drawing: null, timer: 0, sending: false };

async function joinPhone(code) {
  room.stop?.();
  showOnly("#classPhone");
  phone.code = code;
  phone.asked = null; // shown at the first answer, whatever it is
  $("#phoneCode").textContent = code;
  let me = load(phoneKey(code));
  if (!me) {
    $("#phoneStatus").textContent = "Joining…";
    const r = await call("POST", `/${code}/join`);
    if (!r.ok) {
      showOnly("#classStart");
      $("#classStartStatus").textContent = r.error;
      document.body.dataset.ready = "true";
      return;
    }
    me = r.data;
    save(phoneKey(code), me);
  }
  phone.me = me;
  const name = $("#phoneName");
  name.textContent = me.name;
  name.style.setProperty("--who", me.colour);
  $("#phoneStatus").textContent = "";
  document.body.dataset.ready = "true"; // a phone's page is ready once it has joined (no lab here)
  fitPhonePad();
  clearPhonePad();
  clearInterval(phone.timer);
  phone.timer = setInterval(refresh, 2500);
  refresh();
  flush();
}

// refresh asks what to draw and which of this phone's drawings are still shown (the teacher can
// hide one), and sends what waits.
async function refresh() {
  if ($("#classPhone").hidden) return;
  const r = await call("GET", `/${phone.code}/mine`, { device: phone.me.device });
  if (r.status === 403 && /join/.test(r.error)) { save(phoneKey(phone.code), null); joinPhone(phone.code); return; }
  if (r.status === 410 || r.status === 404) {
    clearInterval(phone.timer);
    $("#phoneAsk").textContent = "The class has ended.";
    $("#phoneStatus").textContent = r.error;
    $("#phoneSend").disabled = true;
    return;
  }
  if (!r.ok) return;
  if (r.data.asked !== phone.asked) {
    phone.asked = r.data.asked;
    phone.said = null;
    showAsked();
  }
  const list = $("#phoneMine");
  list.textContent = "";
  for (const d of r.data.drawings.slice(0, 12)) {
    const li = document.createElement("li");
    li.textContent = d.digit === d.said ? `${d.said}: read right` : `${d.said}: read as ${d.digit}`;
    li.className = d.digit === d.said ? "right" : "wrong";
    list.appendChild(li);
  }
  document.body.dataset.phoneMine = r.data.drawings.length;
  if (load(outboxKey(phone.code))?.length) flush();
}

function showAsked() {
  $("#phoneAsk").textContent = askedText(phone.asked);
  $("#phoneSaid").hidden = phone.asked >= 0;
  for (const b of document.querySelectorAll("#phoneSaid button")) b.setAttribute("aria-pressed", String(Number(b.dataset.digit) === phone.said));
}

function fitPhonePad() {
  const c = $("#phonePad"), dpr = window.devicePixelRatio || 1;
  const w = Math.max(280, Math.min(560, Math.round(c.clientWidth * dpr)));
  if (c.clientWidth && w !== c.width) {
    const k = w / c.width;
    for (const s of phone.strokes) for (const p of s) { p[0] *= k; p[1] *= k; }
    c.width = c.height = w;
  }
  redrawPhonePad();
}

function redrawPhonePad() {
  const c = $("#phonePad");
  drawStrokes(c, phone.strokes.map((s) => s.map(([x, y]) => [(x * PAD) / c.width, (y * PAD) / c.height])));
}

function clearPhonePad() {
  phone.strokes.length = 0;
  redrawPhonePad();
}

function wirePhonePad() {
  const pad = $("#phonePad");
  pad.addEventListener("pointerdown", (ev) => {
    ev.preventDefault();
    pad.setPointerCapture(ev.pointerId);
    phone.drawing = [canvasPoint(pad, ev)];
    phone.strokes.push(phone.drawing);
    redrawPhonePad();
  });
  pad.addEventListener("pointermove", (ev) => {
    if (!phone.drawing) return;
    for (const e of ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev]) phone.drawing.push(canvasPoint(pad, e));
    redrawPhonePad();
  });
  const end = () => { phone.drawing = null; };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  $("#phoneClear").addEventListener("click", clearPhonePad);
  $("#phoneSend").addEventListener("click", send);
  for (const b of document.querySelectorAll("#phoneSaid button")) {
    b.addEventListener("click", () => { phone.said = Number(b.dataset.digit); showAsked(); });
  }
}

// send keeps the drawing in the outbox (it survives a reload and a lost network) and sends it.
function send() {
  if (!phone.strokes.length) { $("#phoneStatus").textContent = "Draw the digit first."; return; }
  if (phone.asked === null) { $("#phoneStatus").textContent = "A moment: the class is being asked what to draw."; refresh(); return; }
  if (phone.asked < 0 && phone.said === null) { $("#phoneStatus").textContent = "Say which digit it is first (the buttons above)."; return; }
  const c = $("#phonePad"), k = PAD / c.width;
  const clamp = (v) => Math.min(PAD, Math.max(0, Math.round(v * k * 10) / 10));
  const drawing = { client: randomId(), asked: phone.asked, strokes: phone.strokes.map((s) => s.map(([x, y]) => [clamp(x), clamp(y)])) };
  if (phone.asked < 0) drawing.said = phone.said;
  const box = load(outboxKey(phone.code)) || [];
  box.push(drawing);
  save(outboxKey(phone.code), box);
  clearPhonePad();
  phone.said = null;
  showAsked();
  flush();
}

async function flush() {
  if (phone.sending) return;
  phone.sending = true;
  try {
    for (;;) {
      const box = load(outboxKey(phone.code)) || [];
      document.body.dataset.phoneWaiting = box.length;
      if (!box.length) return;
      const r = await call("POST", `/${phone.code}/drawings`, { body: { device: phone.me.device, ...box[0] } });
      if (r.status === 0 || r.status >= 500 || r.status === 429) {
        $("#phoneStatus").textContent = r.status === 429 ? r.error
          : `${box.length} drawing${box.length === 1 ? "" : "s"} waiting for the network: sent when it is back.`;
        return;
      }
      save(outboxKey(phone.code), box.slice(1));
      if (!r.ok) { $("#phoneStatus").textContent = r.error; continue; }
      const d = r.data;
      $("#phoneStatus").textContent = "Sent.";
      $("#phoneRead").textContent = d.digit === d.said ? `Read as ${d.digit}. Right!` : `Read as ${d.digit}, not ${d.said}.`;
      outputBars($("#phoneBars"), d.outputs, d.digit);
      document.body.dataset.phoneSent = Number(document.body.dataset.phoneSent || 0) + 1;
    }
  } finally {
    phone.sending = false;
  }
}

// ---------------------------------------------------------------------------------------------

function route(hash) {
  const m = /^#class=([A-Za-z0-9 -]{1,12})$/.exec(decodeURIComponent(hash));
  if (m) { joinPhone(m[1].replace(/[\s-]/g, "").toUpperCase()); return; }
  clearInterval(phone.timer);
  if (room.code && load(TEACHER)?.code === room.code) { showOnly("#classTeacher"); return; }
  showOnly("#classStart");
  resume();
}

export async function start(engineModule, showNotice, hash) {
  module = engineModule;
  notice = showNotice;
  $("#classOpen").addEventListener("click", openClass);
  $("#classOpen").disabled = false; // pressed before this module had loaded, it would do nothing
  $("#classJoinForm").addEventListener("submit", (e) => {
    e.preventDefault();
    const code = $("#classCode").value.replace(/[\s-]/g, "").toUpperCase();
    if (code.length !== 6) { $("#classStartStatus").textContent = "A class code is 6 letters and digits, as the projector shows it."; return; }
    location.hash = "#class=" + code;
  });
  for (const b of document.querySelectorAll("#classTeacher [data-ask]")) b.addEventListener("click", () => setAsked(Number(b.dataset.ask)));
  $("#classLearn").addEventListener("click", learn);
  $("#classExportImages").addEventListener("click", () => download("images"));
  $("#classExportLabels").addEventListener("click", () => download("labels"));
  $("#classExportStrokes").addEventListener("click", () => download("strokes"));
  $("#classClose").addEventListener("click", closeClass);
  wirePhonePad();
  window.addEventListener("resize", () => { if (!$("#classPhone").hidden) requestAnimationFrame(fitPhonePad); });
  window.addEventListener("online", () => { if (phone.code) flush(); });
  route(hash);
}

export function show(hash) { route(hash); }

export function hide() { clearInterval(phone.timer); }

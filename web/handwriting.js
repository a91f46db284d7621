// Teach it your handwriting: a person says which digit a drawing was (a digit key, a tap on its
// bar, or on the digit under the bars); the drawing becomes one of their examples, kept in this browser
// (IndexedDB) until they delete it. "Learn my handwriting" fine-tunes the reader in the worker
// (core/nn's Lesson, with MNIST replayed so it forgets nothing: messages teach/teachSlice), shows
// before/after on the examples it held back and MNIST's test error, and the taught model
// ("yours") reads the pad and can be downloaded like any other.
import { $, greyImage } from "./plot.js";
import { teach } from "./rpc.js";

const DB = "somehow", STORE = "handwriting";
const FORMAT = "somehow handwriting 1"; // core/mnist ExampleFormat

let db = null; // the open IndexedDB, or null where the browser keeps none (then: this tab only)
const inTab = []; // examples when there is no IndexedDB
let page; // what digits.js lends: ask, notice, reading(), clearPad(), ensureMNIST(status), showModels()

function openDB() {
  return new Promise((resolve) => {
    if (!("indexedDB" in window)) return resolve(null);
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null); // private windows may refuse: keep them in the tab
  });
}

function store(mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const r = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(r && r.result);
    tx.onerror = () => reject(tx.error);
  });
}

async function all() {
  if (!db) return inTab.slice();
  return store("readonly", (s) => s.getAll());
}

async function add(example) {
  if (!db) { example.id = inTab.length ? inTab[inTab.length - 1].id + 1 : 1; inTab.push(example); return; }
  await store("readwrite", (s) => s.add(example));
}

async function remove(id) {
  if (!db) { inTab.splice(inTab.findIndex((e) => e.id === id), 1); return; }
  await store("readwrite", (s) => s.delete(id));
}

async function clearAll() {
  if (!db) { inTab.length = 0; return; }
  await store("readwrite", (s) => s.clear());
}

// keep makes the drawing on the pad an example of digit d.
async function keep(d) {
  const r = page.reading();
  if (!r) { page.notice("Draw a digit first, then say which one it was."); return; }
  await add({ digit: d, image: r.centred, strokes: r.strokes, at: new Date().toISOString() });
  const list = await show();
  const n = list.filter((e) => e.digit === d).length;
  page.notice(`Kept as your ${d} (${n} of them so far). Draw the next one.`);
  // A lesson replays MNIST: it loads now, while the person draws, so Learn answers at once.
  if (list.length >= 3) page.ensureMNIST(null);
  page.clearPad();
}

// show lists the examples, newest first, and returns them.
async function show() {
  const list = await all();
  const counts = Array(10).fill(0);
  for (const e of list) counts[e.digit]++;
  $("#hCounts").textContent = list.length
    ? `${list.length} example${list.length === 1 ? "" : "s"}: ` + counts.map((n, d) => `${d}: ${n}`).join(" · ")
    : "No examples yet.";
  const box = $("#hList");
  box.textContent = "";
  for (const e of list.slice().reverse()) {
    const item = document.createElement("div");
    item.className = "example";
    item.setAttribute("role", "listitem");
    const cv = document.createElement("canvas");
    cv.width = cv.height = 28;
    cv.setAttribute("role", "img");
    cv.setAttribute("aria-label", `your ${e.digit}`);
    greyImage(cv, e.image, 28);
    const label = document.createElement("span");
    label.textContent = e.digit;
    const del = document.createElement("button");
    del.textContent = "×";
    del.title = del.ariaLabel = `Delete this ${e.digit}`;
    del.addEventListener("click", async () => { await remove(e.id); show(); });
    item.append(cv, label, del);
    box.appendChild(item);
  }
  $("#hLearn").disabled = list.length < 2 || learning;
  $("#hExport").disabled = $("#hClear").disabled = list.length === 0;
  document.body.dataset.handwriting = list.length;
  return list;
}

let learning = false;

async function learn() {
  const clicked = performance.now();
  const list = await all();
  learning = true;
  $("#hLearn").disabled = true;
  const status = $("#hStatus");
  try {
    // The pad goes to another worker while this one learns (its model's copy is made first,
    // then MNIST loads here while the other worker readies).
    const [, hasMNIST] = await Promise.all([page.readElsewhere(true), page.ensureMNIST(status)]);
    if (!hasMNIST) return;
    const images = new Uint8Array(784 * list.length);
    list.forEach((e, i) => images.set(e.image, 784 * i));
    const t0 = performance.now();
    const pct = (v) => `${Math.round(100 * v)}%`;
    const r = await teach(page.worker, { type: "teach", digits: list.map((e) => e.digit), bytes: { examples: images } }, (p) => {
      document.body.dataset.teachFirstMs ||= (performance.now() - clicked).toFixed(0); // from the press to its first answer
      status.textContent = p.phase === "learning"
        ? `Learning your handwriting… ${pct(p.done / Math.max(p.total, 1))}`
        : `Learnt in ${((performance.now() - t0) / 1000).toFixed(1)} s. Checking it still reads MNIST… ${pct(p.checked / Math.max(p.checkTotal, 1))}`;
      if (p.phase === "checking" && !document.body.dataset.learntSeconds) document.body.dataset.learntSeconds = ((performance.now() - t0) / 1000).toFixed(1);
    });
    if (r.type !== "taught") { status.textContent = r.error; return; }
    const held = r.held
      ? `Of your ${r.held} held-back digits, ${pct(r.before)} were read right before and ${pct(r.after)} now (learnt from ${r.taught}).`
      : `Learnt from ${r.taught} digits (give two or more of a digit to hold some back and see the difference).`;
    status.textContent = `${held} MNIST test error: ${r.mnistBefore.toFixed(2)}% before, ${r.mnistAfter.toFixed(2)}% now. The pad reads with your model ("yours"); download it below.`;
    document.body.dataset.taught = JSON.stringify(r);
    const m = await page.ask({ type: "models" });
    if (m.type === "models") page.showModels(m);
  } finally {
    page.readElsewhere(false);
    learning = false;
    show();
  }
}

async function exportExamples() {
  const list = await all();
  const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
  const file = { format: FORMAT, examples: list.map((e) => ({ digit: e.digit, image: b64(e.image), strokes: e.strokes })) };
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: "application/json" }));
  a.download = "my-handwriting.json";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// start wires the section; lent is what digits.js lends it (see page above).
export async function start(lent) {
  page = lent;
  db = await openDB();
  for (const b of document.querySelectorAll("#itWas button")) b.addEventListener("click", () => keep(Number(b.dataset.digit)));
  // A tap on a digit's bar says the same (the buttons are the keyboard's way).
  $("#bars").addEventListener("click", (e) => {
    const li = e.target.closest("#bars li");
    if (li && page.reading() && !document.body.classList.contains("presenter")) keep([...li.parentNode.children].indexOf(li));
  });
  document.addEventListener("keydown", (e) => {
    // Not on the projector: teaching is one person's (and a key there must not clear the pad).
    if ($("#digits-page").hidden || document.body.classList.contains("presenter") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("input, select, textarea")) return;
    if (/^[0-9]$/.test(e.key) && page.reading()) { e.preventDefault(); keep(Number(e.key)); }
  });
  $("#hLearn").addEventListener("click", learn);
  $("#hExport").addEventListener("click", exportExamples);
  $("#hClear").addEventListener("click", async () => {
    if (!confirm("Delete all your examples? This cannot be undone.")) return;
    await clearAll();
    $("#hStatus").textContent = "";
    show();
  });
  await show();
}

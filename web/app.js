// The page's shell: the one list of sections, which the address opens, presenter mode, and the
// notices every section shows its messages in. Each section is a module with the same face,
// start(module, notice, hash) once and show(hash) each time the address opens it (hide() when
// another opens); every one runs its own workers over the one compiled WebAssembly module.
import { $ } from "./plot.js";

// The compiled WebAssembly module (the Go core), downloaded and compiled once: boot.js starts it
// before the page has loaded, and every section's workers are handed the same one. A phone that
// opens a class's join link needs none: there it is fetched only when something first asks.
let compiling = null;
const joining = location.hash.startsWith("#class=");
const module = window.somehowEngine || {
  then: (ok, fail) => (compiling ||= WebAssembly.compileStreaming(fetch("playground.wasm"))).then(ok, fail),
};

// The sections, in the order of the tabs: the addresses each answers to, its tab title, its
// module. The lab answers to #lab, #lab=… and no address at all.
const LESSONS = ["neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];
const SECTIONS = [
  { name: "lab", title: "The lab", answers: (h) => h === "" || h === "lab" || h.startsWith("lab="), load: () => import("./lab.js") },
  { name: "digits", title: "Digits", answers: (h) => h === "digits" || h.startsWith("digits"), load: () => import("./digits.js") },
  { name: "listen", title: "Listen", answers: (h) => h === "listen", load: () => import("./listen.js") },
  { name: "class", title: "Class", answers: (h) => h === "class" || h.startsWith("class="), load: () => import("./class.js") },
  { name: "lessons", title: "Lessons", answers: (h) => LESSONS.includes(h), load: () => import("./lessons.js"), lessons: LESSONS },
];

// notice shows a message under the header for a few seconds (an error for longer).
export function notice(text, isError = false) {
  const n = $("#notice");
  n.textContent = text;
  n.hidden = !text;
  n.classList.toggle("error", isError);
  clearTimeout(notice.timer);
  if (text) notice.timer = setTimeout(() => { n.hidden = true; }, isError ? 9000 : 5000);
}

const started = new Map(); // section name → Promise of its module, once started
let open = null;

// sectionOf is the section an address opens; an address no section answers to opens the lab.
const sectionOf = (hash) => SECTIONS.find((s) => s.answers(hash.replace(/^#/, ""))) || SECTIONS[0];

function startSection(section, hash) {
  if (!started.has(section.name)) {
    started.set(section.name, section.load().then(async (m) => {
      await m.start(module, notice, hash, { lessons: section.lessons });
      return m;
    }));
    return { first: true, ready: started.get(section.name) };
  }
  return { first: false, ready: started.get(section.name) };
}

// route shows the section the address names and tells it the address.
function route() {
  const hash = location.hash;
  const section = sectionOf(hash);
  for (const s of SECTIONS) $(`#${s.name}-page`).hidden = s !== section;
  for (const a of document.querySelectorAll(".tabs a")) {
    if (a.dataset.section === section.name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  // The tab's title says which section is open (a screen reader and the tab strip read it).
  document.title = `${section.title}: Somehow, a neural-network playground`;
  if (open && open !== section) started.get(open.name)?.then((m) => m.hide?.());
  // A section opens at the top. (No element has a section's address as its id, so the browser
  // does not jump to one and scroll the header away.)
  if (open !== section) window.scrollTo(0, 0);
  open = section;
  const { first, ready } = startSection(section, hash);
  (first ? ready : ready.then((m) => m.show?.(hash))).then(fitSoon);
}

// On a projector every section fits the screen: the open section's figures (its canvases and
// drawings over 120 px tall, but the lab's planes, which fit themselves) shrink together until
// nothing scrolls. Not the class's: its board grows with the class and scrolls, and its QR code
// must stay large enough to scan from the back of the room. Each fit starts from the figures' own sizes.
let fitting = false;
function fitFigures() {
  if (fitting) return;
  fitting = true;
  const figures = [...document.querySelectorAll("main:not([hidden]) :is(canvas, svg)")]
    .filter((f) => !f.closest(".pane") && !f.closest("[hidden]") && !f.closest("[data-fit=none]"));
  for (const f of figures) f.style.removeProperty("max-width");
  if (document.body.classList.contains("presenter")) {
    const shown = figures.filter((f) => f.getClientRects().length && f.getBoundingClientRect().height > 120);
    const natural = shown.map((f) => f.getBoundingClientRect().width);
    const scale = (k) => shown.forEach((f, i) => { f.style.maxWidth = Math.floor(natural[i] * k) + "px"; });
    const fits = () => document.documentElement.scrollHeight <= innerHeight;
    if (shown.length && !fits()) {
      // The largest common scale that fits, by halving the interval.
      let lo = 0.15, hi = 1;
      for (let k = 0; k < 8; k++) {
        const mid = (lo + hi) / 2;
        scale(mid);
        if (fits()) lo = mid; else hi = mid;
      }
      scale(lo);
    }
  }
  fitting = false;
}
// Figures are drawn after a section opens, some after a round trip to a worker: fit again then.
function fitSoon() {
  requestAnimationFrame(fitFigures);
  setTimeout(fitFigures, 400);
}
window.addEventListener("resize", fitSoon);
// A figure drawn late (after a worker's answer, on a loaded machine) changes the page's height
// after the last fit: on a projector, fit again whenever it does (the lab's planes too, through
// the resize event). A fit that changes nothing changes no size, so this settles.
let refit = 0;
new ResizeObserver(() => {
  if (fitting || !document.body.classList.contains("presenter")) return;
  cancelAnimationFrame(refit);
  refit = requestAnimationFrame(() => window.dispatchEvent(new Event("resize")));
}).observe(document.body);

// Presenter mode: P, the button, or ?present in the address (a teacher can bookmark it).
function setPresenter(on) {
  document.body.classList.toggle("presenter", on);
  $("#present").setAttribute("aria-pressed", String(on));
  $("#present").textContent = on ? "Leave presenter mode" : "Present";
  window.dispatchEvent(new Event("resize")); // every section fits its canvases to the new layout
  fitSoon();
}

// A control clicked with a mouse or a finger hands the keyboard shortcuts back once it has acted:
// it lets go of the focus (Space on a focused button would press it again, and the shortcuts
// wait while a control has focus). One reached by Tab keeps it, so Space and Enter press it.
// Text fields keep it too: they are for typing.
let pointerOn = null; // the control a pointer last went down on, until a key is pressed
document.addEventListener("pointerdown", (e) => { pointerOn = e.target.closest("select, input, button, a, [tabindex]"); }, true);
document.addEventListener("keydown", () => { pointerOn = null; }, true);
const letGo = (el) => { if (el && el === pointerOn && el === document.activeElement) el.blur(); };
document.addEventListener("click", (e) => {
  if (e.detail === 0) return; // a click the keyboard made
  const el = e.target.closest("button, a, summary, [tabindex], input[type=checkbox], input[type=radio], input[type=range]");
  if (el && !el.matches("input[type=text], input[type=number], textarea")) letGo(el);
});
document.addEventListener("change", (e) => { if (e.target.matches("select, input[type=range]")) letGo(e.target); });

$("#present").addEventListener("click", () => setPresenter(!document.body.classList.contains("presenter")));
document.addEventListener("keydown", (e) => {
  if (e.key.toLowerCase() !== "p" || e.ctrlKey || e.metaKey || e.altKey || e.target.closest("input, select, textarea, button, a, [tabindex]")) return;
  setPresenter(!document.body.classList.contains("presenter"));
});
if (new URLSearchParams(location.search).has("present")) setPresenter(true);
window.addEventListener("hashchange", route);
// The lab starts whatever the address (its workers were started by boot.js, and its tab link
// carries the scene), but for a phone joining a class: it only draws and sends.
if (sectionOf(location.hash).name !== "lab" && !joining) startSection(SECTIONS[0], "");
route();

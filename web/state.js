// The whole scene as one plain object, and its round trip through the URL, so that a link
// reproduces exactly what a teacher set up. Nothing here talks to the worker or the DOM.

export const defaultData = () => ({ kind: "xor", points: 300, classes: 2, noise: 0.05, testFraction: 0.3, seed: 1, custom: [] });

export const perceptron = (extra = {}) => ({ kind: "perceptron", learningRate: 0.1, seed: 1, ...extra });

export const mlp = (extra = {}) => ({
  kind: "mlp", hidden: [8, 8], activation: "tanh", output: "sigmoid", loss: "crossentropy",
  init: "xavier", optimizer: "sgd", learningRate: 0.1, momentum: 0.9, batch: 10, seed: 1, ...extra,
});

export const defaultState = () => ({ data: defaultData(), panes: [perceptron(), mlp()], speed: 2, big: false });

// What each scene is there to show, in one line under the controls.
export const captions = {
  "xor": "XOR: no straight line separates the colours. The perceptron keeps moving its line; the network bends its boundary around them.",
  "two-layers": "One hidden layer of four neurons is already enough for XOR: each neuron draws a line, the output combines them.",
  "spiral": "The spiral needs depth: one hidden layer of six neurons struggles, three layers of twelve wind their boundary around the arms.",
  "overfitting": "Watch the test loss: the big network keeps lowering its training loss by learning the noise, and its test loss climbs.",
  "symmetry": "Equal starting weights stay equal: the left network's six neurons move in lockstep and act as one; random starts break the tie.",
};

// The scenes a teacher picks in one click.
export const presets = {
  "xor": () => ({ ...defaultState() }),
  "two-layers": () => ({ ...defaultState(), panes: [perceptron(), mlp({ hidden: [4] })] }),
  "spiral": () => ({
    data: { kind: "spiral", points: 500, classes: 2, noise: 0.02, testFraction: 0.2, seed: 3, custom: [] },
    panes: [mlp({ hidden: [6], optimizer: "adam", learningRate: 0.02, momentum: 0 }),
            mlp({ hidden: [12, 12, 12], optimizer: "adam", learningRate: 0.02, momentum: 0 })],
    speed: 4, big: false,
  }),
  "overfitting": () => ({
    data: { kind: "circles", points: 80, classes: 2, noise: 0.22, testFraction: 0.5, seed: 4, custom: [] },
    panes: [mlp({ hidden: [3], optimizer: "adam", learningRate: 0.02, momentum: 0, batch: 5 }),
            mlp({ hidden: [16, 16, 16, 16], activation: "relu", init: "he", optimizer: "adam", learningRate: 0.01, momentum: 0, batch: 5 })],
    speed: 10, big: false,
  }),
  "symmetry": () => ({
    data: { kind: "circles", points: 300, classes: 2, noise: 0.05, testFraction: 0.3, seed: 2, custom: [] },
    panes: [mlp({ hidden: [6], init: "constant:0.5" }), mlp({ hidden: [6], init: "xavier" })],
    speed: 2, big: false,
  }),
};

const b64url = {
  encode: (s) => btoa(unescape(encodeURIComponent(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  decode: (s) => decodeURIComponent(escape(atob(s.replace(/-/g, "+").replace(/_/g, "/")))),
};

// Points placed by hand travel as bytes, 5 a point, so the lab's 2000 fit in a link: x and y in
// thousandths (int16, little-endian), then the class with the test flag in the top bit.
export const MAX_POINTS = 2000; // as core/engine/lab MaxPoints
const POINT_BYTES = 5;

function packPoints(points) {
  const b = new Uint8Array(points.length * POINT_BYTES), v = new DataView(b.buffer);
  points.forEach((p, i) => {
    v.setInt16(i * POINT_BYTES, Math.round(p.x * 1000), true);
    v.setInt16(i * POINT_BYTES + 2, Math.round(p.y * 1000), true);
    b[i * POINT_BYTES + 4] = (p.label & 0x7f) | (p.test ? 0x80 : 0);
  });
  let bin = "";
  for (let i = 0; i < b.length; i += 8192) bin += String.fromCharCode(...b.subarray(i, i + 8192));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unpackPoints(text) {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  if (bin.length % POINT_BYTES) throw new Error("wrong points");
  const b = Uint8Array.from(bin, (c) => c.charCodeAt(0)), v = new DataView(b.buffer), out = [];
  for (let i = 0; i < b.length; i += POINT_BYTES) {
    const p = { x: v.getInt16(i, true) / 1000, y: v.getInt16(i + 2, true) / 1000, label: b[i + 4] & 0x7f };
    if (b[i + 4] & 0x80) p.test = true;
    out.push(p);
  }
  return out;
}

// toHash writes the state into the location's hash: #lab=<base64url JSON>, then &p=<the points>.
export function toHash(state) {
  const { custom = [], ...data } = state.data;
  const hash = "#lab=" + b64url.encode(JSON.stringify({ ...state, data }));
  return custom.length ? hash + "&p=" + packPoints(custom) : hash;
}

// What a link may hold; anything else is refused before the page or the worker acts on it.
const KINDS = ["linear", "xor", "circles", "gaussians", "spiral", "moons", "none"];
const ACTIVATIONS = ["sigmoid", "tanh", "relu", "leakyrelu", "linear"];
const LIMITS = { points: [0, MAX_POINTS], classes: [2, 8], noise: [0, 1], testFraction: [0, 0.9], seed: [0, 2 ** 31] };

class LinkError extends Error {}

const isObject = (o) => o && typeof o === "object" && !Array.isArray(o);

function number(value, name, [lo, hi], integer = false) {
  if (typeof value !== "number" || !Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))) {
    throw new LinkError(`${name} must be ${integer ? "a whole number" : "a number"} from ${lo} to ${hi}`);
  }
  return value;
}

function oneOf(value, name, allowed) {
  if (!allowed.includes(value)) throw new LinkError(`${name} must be one of ${allowed.join(", ")}`);
  return value;
}

// checkData bounds every number of the data, and of each point, before anything is drawn.
function checkData(d) {
  if (!isObject(d)) throw new LinkError("the data is missing");
  const out = { ...defaultData(), ...d };
  oneOf(out.kind, "the data kind", KINDS);
  for (const [k, range] of Object.entries(LIMITS)) number(out[k], k, range, k === "points" || k === "classes" || k === "seed");
  if (!Array.isArray(out.custom) || out.custom.length > MAX_POINTS) throw new LinkError(`a link holds at most ${MAX_POINTS} points`);
  out.custom = out.custom.map((p) => {
    if (!isObject(p)) throw new LinkError("a point is damaged");
    const q = { x: number(p.x, "a point's x", [-1.25, 1.25]), y: number(p.y, "a point's y", [-1.25, 1.25]), label: number(p.label, "a point's class", [0, out.classes - 1], true) };
    if (p.test) q.test = true;
    return q;
  });
  return out;
}

// checkModel bounds a pane's model; the worker checks it again, with the same limits.
function checkModel(m, side) {
  if (!isObject(m)) throw new LinkError(`the ${side} pane's model is missing`);
  const name = (f) => `the ${side} pane's ${f}`;
  oneOf(m.kind, name("kind"), ["perceptron", "mlp"]);
  number(m.learningRate, name("learning rate"), [1e-6, 10]);
  if (m.seed !== undefined) number(m.seed, name("seed"), [0, 2 ** 31], true);
  if (m.kind === "perceptron") return { ...m };
  const out = { ...mlp(), ...m };
  if (!Array.isArray(out.hidden) || out.hidden.length > 6) throw new LinkError(`${name("hidden layers")} must be a list of at most 6 sizes`);
  out.hidden.forEach((u) => number(u, name("hidden layer size"), [1, 16], true));
  oneOf(out.activation, name("activation"), ACTIVATIONS);
  oneOf(out.output, name("output"), ["sigmoid", "softmax"]);
  oneOf(out.loss, name("loss"), ["mse", "crossentropy"]);
  oneOf(out.optimizer, name("optimiser"), ["sgd", "adam"]);
  if (typeof out.init !== "string" || !/^(he|xavier|uniform|constant)(:-?\d{1,3}(\.\d{1,4})?)?$/.test(out.init)) throw new LinkError(`${name("initialisation")} is not one the lab knows`);
  number(out.momentum, name("momentum"), [0, 0.99]);
  number(out.batch, name("batch size"), [1, 500], true);
  if (out.l2 !== undefined) number(out.l2, name("weight decay"), [0, 1]);
  return out;
}

// fromHash reads a state back. It returns {state} or {state: defaults, error} for a link that is
// damaged, made by hand, or asks for more than the lab does: every value is checked here, before
// the page builds anything from it.
export function fromHash(hash) {
  if (!hash || hash === "#" || hash === "#lab") return { state: defaultState() };
  const m = /^#lab=([A-Za-z0-9_-]{1,20000})(?:&p=([A-Za-z0-9_-]{1,14000}))?$/.exec(hash);
  if (!m) {
    const error = hash.length > 34020 ? "This link is longer than any scene the lab makes; showing the default scene instead."
      : "This link does not describe a scene; showing the default one.";
    return { state: defaultState(), error };
  }
  try {
    let s;
    try { s = JSON.parse(b64url.decode(m[1])); } catch { throw new LinkError("it is damaged"); }
    if (!isObject(s) || !isObject(s.data) || !Array.isArray(s.panes) || s.panes.length !== 2) throw new LinkError("it is not a scene");
    const data = { ...s.data };
    if (m[2] !== undefined) {
      try { data.custom = unpackPoints(m[2]); } catch { throw new LinkError("its points are damaged"); }
    }
    const checked = checkData(data);
    const panes = [checkModel(s.panes[0], "left"), checkModel(s.panes[1], "right")];
    const speed = Number.isInteger(s.speed) && s.speed >= 1 && s.speed <= 20 ? s.speed : 2;
    return { state: { data: checked, panes, speed, big: s.big === true } };
  } catch (err) {
    const why = err instanceof LinkError ? err.message : "it is damaged";
    return { state: defaultState(), error: `This link cannot be shown (${why}); showing the default scene instead.` };
  }
}

// linkRoom says how many more points fit in a link, for the page to warn before it would break.
export function linkRoom(state) {
  return MAX_POINTS - (state.data.custom || []).length;
}

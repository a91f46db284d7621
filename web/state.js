// The whole scene as one plain object, and its round trip through the URL, so that a link
// reproduces exactly what a teacher set up. Nothing here talks to the worker or the DOM, and
// nothing here judges a value: the worker does (its catalogue carries the scenes, the defaults
// and the limits). A link is checked here only for its shape and size, so that what reaches the
// worker is small and of the right kinds.

// sceneState is the state of the catalogue's scene called name.
export function sceneState(catalogue, name) {
  const s = catalogue.scenes[name];
  return { data: { ...s.data, custom: [...(s.data.custom || [])] }, panes: s.models.map((m) => ({ ...m })), speed: s.speed, big: false };
}

// defaultState is the first scene, what the lab opens with.
export const defaultState = (catalogue) => sceneState(catalogue, catalogue.sceneNames[0]);

// newModel is a new pane's model of a kind ("perceptron" or "mlp"), as the worker's defaults say.
export const newModel = (catalogue, kind) => ({ ...catalogue.defaults[kind === "mlp" ? "mlp" : "perceptron"] });

// sceneOf names the scene that state is exactly, or "".
export function sceneOf(catalogue, state) {
  const key = stableJSON(state);
  return catalogue.sceneNames.find((name) => stableJSON(sceneState(catalogue, name)) === key) || "";
}

function stableJSON(v) {
  if (Array.isArray(v)) return "[" + v.map(stableJSON).join(",") + "]";
  if (v && typeof v === "object") return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + stableJSON(v[k])).join(",") + "}";
  return JSON.stringify(v);
}

const b64url = {
  encode: (s) => btoa(unescape(encodeURIComponent(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  decode: (s) => decodeURIComponent(escape(atob(s.replace(/-/g, "+").replace(/_/g, "/")))),
};

// Points placed by hand travel as bytes, 5 a point, so the lab's 2000 fit in a link: x and y in
// thousandths (int16, little-endian), then the class with the test flag in the top bit.
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

// The shape of a link: each field a link may hold and its kind. Anything else is dropped.
const SHAPE = {
  data: { kind: "text", points: "number", classes: "number", noise: "number", testFraction: "number", seed: "number" },
  model: {
    kind: "text", hidden: "numbers", activation: "text", output: "text", loss: "text", init: "text", optimizer: "text",
    learningRate: "number", momentum: "number", l2: "number", decay: "number", batch: "number", seed: "number",
  },
};
const KIND_WORDS = { text: "a short text", number: "a number", numbers: "a short list of numbers" };
// Sizes no scene comes near: a link past them is damaged or hostile.
const MAX_TEXT = 40, MAX_LIST = 32;

class LinkError extends Error {}

const isObject = (o) => o !== null && typeof o === "object" && !Array.isArray(o);
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

// shaped copies the fields of o that shape names, each of its kind, and drops the rest.
function shaped(o, shape, what) {
  if (!isObject(o)) throw new LinkError(`${what} is missing`);
  const out = {};
  for (const [key, kind] of Object.entries(shape)) {
    if (!(key in o)) continue;
    const v = o[key];
    const ok = kind === "text" ? typeof v === "string" && v.length <= MAX_TEXT
      : kind === "number" ? isNumber(v)
        : Array.isArray(v) && v.length <= MAX_LIST && v.every(isNumber);
    if (!ok) throw new LinkError(`${what}'s ${key} must be ${KIND_WORDS[kind]}`);
    out[key] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

function shapedPoints(points, most) {
  if (!Array.isArray(points) || points.length > most) throw new LinkError(`a link holds at most ${most} points`);
  return points.map((p) => {
    if (!isObject(p) || !isNumber(p.x) || !isNumber(p.y) || !isNumber(p.label)) throw new LinkError("a point is damaged");
    const q = { x: p.x, y: p.y, label: p.label };
    if (p.test === true) q.test = true;
    return q;
  });
}

// fromHash reads a state back: {state}, or {state: the default, error} for a link that is
// damaged, made by hand, or holds values of the wrong kind. Values of the right kind that the
// lab cannot do (a million neurons, a seed of -1) are the worker's to refuse, with its sentence.
export function fromHash(hash, catalogue) {
  if (!hash || hash === "#" || hash === "#lab") return { state: defaultState(catalogue) };
  const m = /^#lab=([A-Za-z0-9_-]{1,20000})(?:&p=([A-Za-z0-9_-]{1,14000}))?$/.exec(hash);
  if (!m) {
    const error = hash.length > 34020 ? "This link is longer than any scene the lab makes; showing the default scene instead."
      : "This link does not describe a scene; showing the default one.";
    return { state: defaultState(catalogue), error };
  }
  try {
    let s;
    try { s = JSON.parse(b64url.decode(m[1])); } catch { throw new LinkError("it is damaged"); }
    if (!isObject(s) || !isObject(s.data) || !Array.isArray(s.panes) || s.panes.length !== 2) throw new LinkError("it is not a scene");
    // What a link leaves out is the worker's default.
    const data = { ...catalogue.defaults.data, ...shaped(s.data, SHAPE.data, "the data") };
    if (m[2] !== undefined) {
      try { data.custom = unpackPoints(m[2]); } catch { throw new LinkError("its points are damaged"); }
    }
    data.custom = shapedPoints(data.custom || s.data.custom || [], catalogue.limits.maxPoints);
    const panes = ["left", "right"].map((side, i) => {
      const m = shaped(s.panes[i], SHAPE.model, `the ${side} pane`);
      return { ...newModel(catalogue, m.kind), ...m };
    });
    const speed = Number.isInteger(s.speed) && s.speed >= 1 && s.speed <= 20 ? s.speed : 2;
    return { state: { data, panes, speed, big: s.big === true } };
  } catch (err) {
    const why = err instanceof LinkError ? err.message : "it is damaged";
    return { state: defaultState(catalogue), error: `This link cannot be shown (${why}); showing the default scene instead.` };
  }
}

// linkRoom says how many more points fit in a link, for the page to warn before it would break.
export function linkRoom(state, catalogue) {
  return catalogue.limits.maxPoints - (state.data.custom || []).length;
}

// The whole scene as one plain object, and its round trip through the URL, so that a link
// reproduces exactly what a teacher set up. Nothing here talks to the worker or the DOM.

export const defaultData = () => ({ kind: "xor", points: 300, classes: 2, noise: 0.05, testFraction: 0.3, seed: 1, custom: [] });

export const perceptron = (extra = {}) => ({ kind: "perceptron", learningRate: 0.1, seed: 1, ...extra });

export const mlp = (extra = {}) => ({
  kind: "mlp", hidden: [8, 8], activation: "tanh", output: "sigmoid", loss: "crossentropy",
  init: "xavier", optimizer: "sgd", learningRate: 0.1, momentum: 0.9, batch: 10, seed: 1, ...extra,
});

export const defaultState = () => ({ data: defaultData(), panes: [perceptron(), mlp()], speed: 2, big: false });

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

// toURL writes the state into the location's hash, as #lab=<base64url JSON>.
export function toHash(state) {
  return "#lab=" + b64url.encode(JSON.stringify(state));
}

// fromHash reads a state back. It returns {state} or {state: defaults, error} for a link that is
// damaged or was made by hand; only the shape is checked here, the worker checks every value.
export function fromHash(hash) {
  const m = /^#lab=([A-Za-z0-9_-]{1,20000})$/.exec(hash || "");
  if (!hash || hash === "#" || hash === "#lab") return { state: defaultState() };
  if (!m) return { state: defaultState(), error: "This link does not describe a scene; showing the default one." };
  try {
    const s = JSON.parse(b64url.decode(m[1]));
    const okObject = (o) => o && typeof o === "object" && !Array.isArray(o);
    if (!okObject(s) || !okObject(s.data) || !Array.isArray(s.panes) || s.panes.length !== 2 || !s.panes.every(okObject)) {
      throw new Error("wrong shape");
    }
    if (s.data.custom !== undefined && !Array.isArray(s.data.custom)) throw new Error("wrong points");
    const speed = Number.isInteger(s.speed) && s.speed >= 1 && s.speed <= 20 ? s.speed : 2;
    return { state: { data: { ...defaultData(), ...s.data }, panes: s.panes, speed, big: !!s.big } };
  } catch {
    return { state: defaultState(), error: "This link is damaged; showing the default scene instead." };
  }
}

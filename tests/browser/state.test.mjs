// The lab's links, parsed by web/state.js exactly as the page does, against random and hostile
// fragments: every one answers at once with the linked scene or the default one and a sentence.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultState, fromHash, toHash, presets, MAX_POINTS } from "../../web/state.js";

const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

// A state is safe to build a page from: every number inside what the lab can do.
function assertSafe(s) {
  assert.ok(Number.isInteger(s.data.classes) && s.data.classes >= 2 && s.data.classes <= 8, `classes ${s.data.classes}`);
  assert.ok(Number.isInteger(s.data.points) && s.data.points >= 0 && s.data.points <= MAX_POINTS);
  assert.ok(s.data.custom.length <= MAX_POINTS);
  assert.equal(s.panes.length, 2);
  for (const p of s.panes) {
    assert.ok(p.learningRate > 0 && p.learningRate <= 10);
    if (p.kind === "mlp") assert.ok(p.hidden.length <= 6 && p.hidden.every((u) => u >= 1 && u <= 16));
  }
}

// A small seeded random source, so a failure can be repeated.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13, x ^= x >>> 17, x ^= x << 5) >>> 0) / 2 ** 32;
}

const hostileValues = [1e7, 1e309, -1, 2 ** 70, "NaN", "x", null, [], {}, true, 0.5, -0, 1e-320, "<script>", Array(50).fill(9)];

test("random and hostile links answer at once with a safe scene", () => {
  const r = rng(42);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const base = [defaultState(), ...Object.values(presets).map((make) => make())];
  for (let i = 0; i < 3000; i++) {
    let hash;
    const kind = i % 4;
    if (kind === 0) { // random characters
      const chars = "#lab=&p%AZaz09-_{}\":,.[]";
      hash = "#lab=" + Array.from({ length: Math.floor(r() * 200) }, () => pick(chars)).join("");
    } else { // a real scene with one value made hostile
      const s = structuredClone(pick(base));
      const target = kind === 1 ? s.data : kind === 2 ? pick(s.panes) : s;
      const key = pick([...Object.keys(target), "classes", "hidden", "custom", "learningRate", "seed"]);
      target[key] = pick(hostileValues);
      hash = "#lab=" + b64(s);
    }
    const t0 = performance.now();
    const { state, error } = fromHash(hash);
    assert.ok(performance.now() - t0 < 50, `${hash.slice(0, 80)} took ${performance.now() - t0} ms`);
    assertSafe(state);
    if (error) {
      assert.match(error, /default/);
      assert.doesNotMatch(error, /undefined|NaN|Go struct|unmarshal/);
    }
  }
});

test("the links the issue names fall back with a sentence", () => {
  const scene = (data, panes = [{ kind: "perceptron", learningRate: 0.1 }, { kind: "mlp", learningRate: 0.1 }]) => "#lab=" + b64({ data, panes });
  for (const [hash, why] of [
    [scene({ kind: "xor", classes: 1e7 }), /classes must be a whole number from 2 to 8/],
    ["#lab=" + b64('{"data":{"classes":1e309},"panes":[{},{}]}'), /classes/],
    [scene({ kind: "xor" }, [{ kind: "mlp", learningRate: "NaN" }, { kind: "mlp", learningRate: 0.1 }]), /learning rate must be a number/],
    [scene({ kind: "xor", seed: -1 }), /seed must be a whole number/],
    [scene({ kind: "xor", seed: 2 ** 70 }), /seed/],
    [scene({ kind: "xor", noise: "x" }), /noise must be a number/],
    ["#lab=" + "A".repeat(40000), /longer than any scene/],
  ]) {
    const { state, error } = fromHash(hash);
    assert.match(error, why);
    assert.deepEqual(state, defaultState());
  }
});

test("2000 hand-placed points fit in a link and come back exactly", () => {
  const s = defaultState();
  const r = rng(7);
  s.data.custom = Array.from({ length: MAX_POINTS }, (_, i) => {
    const p = { x: Math.round((r() * 2.5 - 1.25) * 1000) / 1000, y: Math.round((r() * 2.5 - 1.25) * 1000) / 1000, label: i % 2 };
    if (i % 5 === 0) p.test = true;
    return p;
  });
  const hash = toHash(s);
  assert.ok(hash.length < 16000, `${hash.length} characters`);
  const back = fromHash(hash);
  assert.equal(back.error, undefined);
  assert.deepEqual(back.state.data.custom, s.data.custom);
  assert.equal(toHash(back.state), hash);
});

// The lab's links, as the page reads them: web/state.js checks their shape and size, and the
// worker (the real Go program, run here in Node) judges their values, as in the page. Random and
// hostile fragments: every one answers at once with the linked scene, or the default one and a
// sentence.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultState, fromHash, sceneState, toHash } from "../../web/state.js";
import { core } from "./core.mjs";

const handle = await core();
const catalogue = await handle({ page: "lab", type: "catalogue" });
const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

// judge reads a link as the page does: fromHash, then setScene in the worker; a refusal falls
// back to the default scene with the worker's sentence.
async function judge(hash) {
  const { state, error } = fromHash(hash, catalogue);
  const reply = await handle({ page: "lab", type: "setScene", data: state.data, models: state.panes, panes: [] });
  if (reply.type === "error") return { state: defaultState(catalogue), error: `This link asks for something the lab cannot do (${reply.error}); showing the default scene.` };
  assert.equal(reply.type, "frame");
  return { state, error };
}

// A state is of the shape the page builds from: the kinds of every field, and small.
function assertShaped(s) {
  const kinds = { kind: "string", points: "number", classes: "number", noise: "number", testFraction: "number", seed: "number" };
  for (const [k, v] of Object.entries(s.data)) {
    if (k === "custom") assert.ok(Array.isArray(v) && v.length <= catalogue.limits.maxPoints);
    else assert.equal(typeof v, kinds[k], `data.${k} is ${JSON.stringify(v)}`);
  }
  assert.equal(s.panes.length, 2);
  for (const p of s.panes) {
    assert.ok(typeof p.learningRate === "number" && Number.isFinite(p.learningRate));
    assert.ok(JSON.stringify(p).length < 1000, "a pane's model is small");
  }
}

// A small seeded random source, so a failure can be repeated.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13, x ^= x >>> 17, x ^= x << 5) >>> 0) / 2 ** 32;
}

const hostileValues = [1e7, 1e309, -1, 2 ** 70, "NaN", "x", null, [], {}, true, 0.5, -0, 1e-320, "<script>", Array(50).fill(9), "A".repeat(500)];

test("random and hostile links answer at once with the linked scene or the default one and a sentence", async () => {
  const r = rng(42);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const base = catalogue.sceneNames.map((name) => sceneState(catalogue, name));
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    let hash;
    const kind = i % 4;
    if (kind === 0) { // random characters
      const chars = "#lab=&p%AZaz09-_{}\":,.[]";
      hash = "#lab=" + Array.from({ length: Math.floor(r() * 200) }, () => pick(chars)).join("");
    } else { // a real scene with one value made hostile
      const s = structuredClone(pick(base));
      const target = kind === 1 ? s.data : kind === 2 ? pick(s.panes) : s;
      const key = pick([...Object.keys(target), "classes", "hidden", "custom", "learningRate", "seed", "junk"]);
      target[key] = pick(hostileValues);
      hash = "#lab=" + b64(s);
    }
    const t0 = performance.now();
    const { state, error } = await judge(hash);
    assert.ok(performance.now() - t0 < 100, `${hash.slice(0, 80)} took ${performance.now() - t0} ms`);
    assertShaped(state);
    assert.ok(!("junk" in state.data) && state.panes.every((p) => !("junk" in p)), "an unknown key stayed in the scene");
    if (error) {
      refused++;
      assert.match(error, /default/);
      assert.doesNotMatch(error, /undefined|[^"]NaN|Go struct|unmarshal|float64|uint64/); // a value quoted back may be "NaN"
    }
  }
  assert.ok(refused > 500, `only ${refused} of 2000 hostile links were refused`);
});

test("the links the issue names fall back with a sentence: their shape here, their values in the worker", async () => {
  const scene = (data, panes = [{ kind: "perceptron", learningRate: 0.1 }, { kind: "mlp", learningRate: 0.1 }]) => "#lab=" + b64({ data, panes });
  for (const [hash, why] of [
    [scene({ kind: "xor", classes: 1e7 }), /classes must be between 2 and 8/],
    ["#lab=" + b64('{"data":{"classes":1e309},"panes":[{},{}]}'), /classes must be a number/],
    [scene({ kind: "xor" }, [{ kind: "mlp", learningRate: "NaN" }, { kind: "mlp", learningRate: 0.1 }]), /learningRate must be a number/],
    [scene({ kind: "xor", seed: -1 }), /seed.*whole number/],
    [scene({ kind: "xor", seed: 2 ** 70 }), /seed/],
    [scene({ kind: "xor", noise: "x" }), /noise must be a number/],
    [scene({ kind: "xor" }, [{ kind: "mlp", hidden: [1e6], learningRate: 1 }, { kind: "mlp", learningRate: 0.1 }]), /between 1 and 16 neurons/],
    ["#lab=" + "A".repeat(40000), /longer than any scene/],
  ]) {
    const { state, error } = await judge(hash);
    assert.match(error, why);
    assert.deepEqual(state, defaultState(catalogue));
  }
});

test("every scene of the catalogue survives its own link and is named by it", async () => {
  for (const name of catalogue.sceneNames) {
    const s = sceneState(catalogue, name);
    const back = await judge(toHash(s));
    assert.equal(back.error, undefined);
    assert.deepEqual(back.state, s);
  }
});

test("2000 hand-placed points fit in a link and come back exactly", async () => {
  const s = defaultState(catalogue);
  const r = rng(7);
  s.data.custom = Array.from({ length: catalogue.limits.maxPoints }, (_, i) => {
    const p = { x: Math.round((r() * 2.5 - 1.25) * 1000) / 1000, y: Math.round((r() * 2.5 - 1.25) * 1000) / 1000, label: i % 2 };
    if (i % 5 === 0) p.test = true;
    return p;
  });
  const hash = toHash(s);
  assert.ok(hash.length < 16000, `${hash.length} characters`);
  const back = await judge(hash);
  assert.equal(back.error, undefined);
  assert.deepEqual(back.state.data.custom, s.data.custom);
  assert.equal(toHash(back.state), hash);
});

// The class API's tests, run as they are against the local server (SQLite) in class.test.mjs and
// against the edge under local workerd (D1) in edge.test.mjs: the same requests, the same answers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./harness.mjs";
import { gallery } from "../../web/samples.js";

const padStrokes = (digit) => gallery.find((g) => g.digit === digit).strokes.map((s) => s.map(([x, y]) => [280 * x, 280 * y]));

export async function classAPI(base) {
  const call = async (method, path, { key, device, body, type } = {}) => {
    const headers = {};
    if (key) headers.Authorization = "Bearer " + key;
    if (device) headers["X-Somehow-Device"] = device;
    if (type) headers["Content-Type"] = type;
    const res = await fetch(base + "api/class" + path, { method, headers, body: typeof body === "object" && !(body instanceof Uint8Array) ? JSON.stringify(body) : body });
    const isJSON = (res.headers.get("content-type") || "").startsWith("application/json");
    const data = isJSON ? await res.json() : new Uint8Array(await res.arrayBuffer());
    return { status: res.status, data };
  };
  const expect = (r, status, message) => {
    assert.equal(r.status, status, JSON.stringify(r.data));
    if (message) assert.match(r.data.error, message);
  };

  const open = await call("POST", "");
  expect(open, 201);
  const { code, key } = open.data;
  assert.match(code, /^[A-Z2-9]{6}$/);
  assert.match(key, /^[0-9a-f]{32}$/, "the teacher's key is 128 random bits");
  assert.ok(open.data.links[0].endsWith("/#class=" + code));
  const info = await call("GET", "/" + code.toLowerCase());
  expect(info, 200);
  assert.equal(info.data.asked, -1);

  const phones = [];
  for (let i = 0; i < 3; i++) {
    const j = await call("POST", `/${code}/join`);
    expect(j, 201);
    phones.push(j.data);
  }
  expect(await call("PUT", `/${code}/asked`, { key, body: { digit: 7 } }), 200);
  const send = (phone, client, extra = {}) => call("POST", `/${code}/drawings`, { body: { device: phone.device, client, asked: 7, strokes: padStrokes(7), ...extra } });
  for (const [i, p] of phones.entries()) {
    const r = await send(p, "first-" + i);
    expect(r, 201);
    assert.equal(r.data.digit, 7);
    assert.equal(r.data.name, p.name);
  }
  const again = await send(phones[0], "first-0"); // a resend after a lost answer: the same drawing
  const any = await call("POST", `/${code}/drawings`, { body: { device: phones[1].device, client: "any", asked: -1, said: 3, strokes: padStrokes(3) } });
  expect(any, 201);
  assert.deepEqual([any.data.said, any.data.digit], [3, 3]);

  const list = await call("GET", `/${code}/drawings?after=0`, { key });
  expect(list, 200);
  assert.equal(list.data.drawings.length, 4);
  assert.equal(list.data.seq, 4);
  assert.equal(again.data.id, list.data.drawings[0].id);

  // Who may do what: no key, a wrong key, a phone's token, another class's key.
  const other = await call("POST", "");
  for (const k of [undefined, "0".repeat(32), phones[0].device, other.data.key]) {
    expect(await call("GET", `/${code}/drawings`, { key: k }), 403, /teacher's key/);
    expect(await call("GET", `/${code}/export?format=images`, { key: k }), 403);
  }
  expect(await call("POST", `/${other.data.code}/drawings`, { body: { device: phones[0].device, client: "x", asked: -1, said: 1, strokes: padStrokes(1) } }), 403, /join/);
  expect(await call("GET", "/ZZZZZZ"), 404, /no class/);
  expect(await call("GET", "/not-a-code!"), 404, /not a class code/);

  // Hostile and wrong bodies.
  expect(await send(phones[2], "off", { strokes: [[[-1, 5], [30, 30]]] }), 400, /off the pad/);
  expect(await send(phones[2], "many", { strokes: Array.from({ length: 41 }, () => [[1, 1]]) }), 400, /strokes/);
  expect(await send(phones[2], "empty", { strokes: [] }), 400, /empty/);
  expect(await send(phones[2], "twelve", { asked: 12 }), 400, /0 to 9/);
  expect(await send(phones[2], "unsaid", { asked: -1 }), 400, /say which/);
  expect(await send(phones[2], "html", { name: "<b>x</b>" }), 400, /unknown field/);
  expect(await call("POST", `/${code}/drawings`, { body: "[".repeat(70000) }), 413, /at most 64 KB/);
  expect(await call("POST", `/${code}/drawings`, { body: "<script>" }), 400, /not a drawing/);

  // Hiding: a later seq without strokes for the projector; gone from the phone.
  expect(await call("POST", `/${code}/drawings/${list.data.drawings[0].id}/hide`, { key }), 200);
  const later = await call("GET", `/${code}/drawings?after=${list.data.seq}`, { key });
  assert.equal(later.data.drawings.length, 1);
  assert.equal(later.data.drawings[0].hidden, true);
  assert.equal(later.data.drawings[0].strokes, undefined);
  const mine = await call("GET", `/${code}/mine`, { device: phones[0].device });
  expect(mine, 200);
  assert.equal(mine.data.drawings.length, 0);

  // A phone's minute: 20 drawings, then a sentence (phone 2 has sent one).
  for (let i = 0; i < 19; i++) expect(await send(phones[2], "burst-" + i), 201);
  expect(await send(phones[2], "burst-too-many"), 429, /a minute/);
  expect(await send(phones[1], "another-phone"), 201); // the others are not held back

  // The class's model: a bad file is refused; a good one reads the next drawings.
  expect(await call("PUT", `/${code}/model`, { key, body: "not a model" }), 400, /not a Somehow model/);
  const paper = readFileSync(join(root, "assets/models/paper.somehow"));
  const put = await call("PUT", `/${code}/model`, { key, body: new Uint8Array(paper) });
  expect(put, 200);
  assert.equal(put.data.modelVersion, 1);
  expect(await send(phones[0], "after-model"), 201);
  assert.equal((await call("GET", "/" + code)).data.modelVersion, 1);

  // Export: MNIST's IDX files, the strokes as CSV.
  const images = await call("GET", `/${code}/export?format=images`, { key });
  const labels = await call("GET", `/${code}/export?format=labels`, { key });
  expect(images, 200);
  const n = 1 + 1 + 1 + 1 + 19 + 1 + 1; // 3 sevens + any, 1 hidden; 19 + 1 + 1 later
  const dv = new DataView(images.data.buffer);
  assert.deepEqual([dv.getUint32(0), dv.getUint32(4), dv.getUint32(8), dv.getUint32(12)], [0x803, n - 1, 28, 28]);
  assert.equal(images.data.length, 16 + (n - 1) * 784);
  assert.deepEqual([...labels.data.subarray(8, 11)], [7, 7, 3]);
  const csv = await call("GET", `/${code}/export?format=strokes`, { key });
  expect(csv, 200);
  assert.match(new TextDecoder().decode(csv.data), /^drawing,device,asked,digit,read_as,time,stroke,x,y\n/);
  expect(await call("GET", `/${code}/export?format=zip`, { key }), 400, /format/);

  // The end.
  expect(await call("DELETE", "/" + code, { key }), 200);
  expect(await call("GET", "/" + code), 410, /ended/);
  expect(await send(phones[1], "too-late"), 410, /ended/);
  expect(await call("GET", `/${code}/drawings`, { key }), 410);
  expect(await call("DELETE", "/" + other.data.code, { key: other.data.key }), 200);

  // Guessing codes (two wrong ones above): after 200 in ten minutes the address waits, even with
  // a right one (else a 429 for wrong and a 200 for right would tell a guesser which is which).
  const last = await call("POST", "");
  for (let i = 0; i < 198; i++) expect(await call("GET", `/ZZZ${String(i).padStart(3, "2")}`), 404);
  expect(await call("GET", "/" + last.data.code), 429, /wrong class codes/);
}

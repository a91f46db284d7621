// Each lesson in real headless Chromium: it opens from its own address with no console errors,
// its main control changes what is drawn, and the numbers shown are the ones the core computes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";

let env;
before(async () => { env = await start(); mkdirSync(screenshotDir, { recursive: true }); });
after(async () => { await env?.stop(); });

async function lesson(name) {
  const page = await env.page("#" + name);
  await page.waitForFunction((n) => document.body.dataset.lesson === n, name, { timeout: 30000 });
  assert.equal(await page.locator(`#lesson-${name}`).isVisible(), true);
  assert.equal(await page.locator("#lab-page").isVisible(), false);
  return page;
}

const canvasHash = (page, sel) => page.evaluate((s) => document.querySelector(s).toDataURL(), sel);

async function done(page, name) {
  await page.screenshot({ path: join(screenshotDir, `lesson-${name}.png`), fullPage: true });
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
}

test("the neuron: moving a weight changes the weighted sum and output as the formula says", async () => {
  const page = await lesson("neuron");
  await page.waitForFunction(() => document.querySelector("#nEquation").dataset.sum !== undefined);
  const before = await canvasHash(page, "#nCanvas");
  await page.locator("#nw0").fill("-1.5");
  await page.waitForFunction(() => Math.abs(Number(document.querySelector("#nEquation").dataset.sum) - (1 * -1.5 + 0.5 * -0.4 + -1 * 0.3 + 0.1)) < 1e-9);
  assert.equal(Number(await page.getAttribute("#nEquation", "data-output")), 0, "step of a negative sum");
  await page.selectOption("#nAct", "sigmoid");
  await page.waitForFunction(() => Number(document.querySelector("#nEquation").dataset.output) > 0);
  const out = Number(await page.getAttribute("#nEquation", "data-output"));
  assert.ok(Math.abs(out - 1 / (1 + Math.exp(1.9))) < 1e-6, `sigmoid(-1.9) shown as ${out}`);
  assert.notEqual(await canvasHash(page, "#nCanvas"), before);
  await done(page, "neuron");
});

test("activations: the vanishing gradient is 0.25 per sigmoid layer at its steepest", async () => {
  const page = await lesson("activations");
  await page.waitForFunction(() => document.querySelector("#vText").dataset.product);
  assert.equal(await page.locator("#actCurves canvas").count(), 4);
  assert.ok(Math.abs(Number(await page.getAttribute("#vText", "data-product")) - 0.25 ** 10) < 1e-12);
  const before = await canvasHash(page, "#vCanvas");
  await page.locator("#vLayers").fill("3");
  await page.waitForFunction(() => Math.abs(Number(document.querySelector("#vText").dataset.product) - 0.25 ** 3) < 1e-9);
  assert.notEqual(await canvasHash(page, "#vCanvas"), before);
  await done(page, "activations");
});

test("universal approximation: a slider moves one sigmoid; letting it learn fits the curve", async () => {
  const page = await lesson("approximation");
  await page.waitForFunction(() => document.querySelector("#aScore").dataset.score !== undefined);
  const before = Number(await page.getAttribute("#aScore", "data-score"));
  const drawn = await canvasHash(page, "#aCanvas");
  await page.locator('input[data-sigmoid="0"][data-key="height"]').fill("-1");
  await page.waitForFunction((b) => Number(document.querySelector("#aScore").dataset.score) !== b, before);
  assert.notEqual(await canvasHash(page, "#aCanvas"), drawn);
  await page.click("#aLearn");
  await page.waitForFunction(() => document.querySelector("#aScore").dataset.learned === "true", null, { timeout: 60000 });
  const learned = Number(await page.getAttribute("#aScore", "data-score"));
  assert.ok(learned > 0.95 && learned > before, `fit after learning: ${learned}`);
  await done(page, "approximation");
});

test("overfitting: the big network's test loss ends above its training loss", async () => {
  const page = await lesson("overfitting");
  for (let i = 0; i < 3; i++) await page.click("#oTrain");
  // It opens with 100 epochs trained; three more clicks make 400.
  await page.waitForFunction(() => /Epoch 400/.test(document.querySelector("#oText").textContent), null, { timeout: 60000 });
  const train = Number(await page.getAttribute("#oText", "data-big-train"));
  const test_ = Number(await page.getAttribute("#oText", "data-big-test"));
  assert.ok(test_ > 2 * train, `big network: train ${train}, test ${test_}`);
  await done(page, "overfitting");
});

test("gradient descent: without momentum the ball stops in the pit, with momentum it reaches the valley", async () => {
  const page = await lesson("gradient-descent");
  await page.waitForFunction(() => document.querySelector("#gText").dataset.x !== undefined);
  await page.click("#gPlay");
  await page.waitForFunction(() => Number(document.querySelector("#gText").dataset.step) === 300, null, { timeout: 30000 });
  assert.ok(Math.abs(Number(await page.getAttribute("#gText", "data-x")) - 1.99) < 0.05);
  await page.locator("#gMom").fill("0.9");
  await page.waitForFunction(() => Number(document.querySelector("#gText").dataset.step) === 0);
  await page.click("#gPlay");
  await page.waitForFunction(() => Number(document.querySelector("#gText").dataset.step) === 300, null, { timeout: 30000 });
  assert.ok(Math.abs(Number(await page.getAttribute("#gText", "data-x")) + 2.41) < 0.05);
  await page.locator("#gMom").fill("0");
  await page.locator("#gLR").fill("1.5");
  await page.click("#gPlay");
  await page.waitForFunction(() => /overshot/.test(document.querySelector("#gText").textContent), null, { timeout: 30000 });
  await done(page, "gradient-descent");
});

test("backpropagation: step through, and the check agrees with the gradients", async () => {
  const page = await lesson("backprop");
  await page.waitForFunction(() => document.querySelector("#bStage").dataset.stage === "0");
  for (let i = 0; i < 3; i++) await page.click("#bNext");
  assert.match(await page.locator("#bStage").textContent(), /Step 4 of 7/);
  await page.click("#bCheck");
  const rows = await page.$$eval("#bTable tr", (trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 8);
  for (const [name, dcds, yprev, grad, fd] of rows) {
    assert.ok(Math.abs(Number(dcds) * Number(yprev) - Number(grad)) < 2e-3 * Math.max(1e-3, Math.abs(Number(grad))) + 1e-6, `${name}: ${dcds} × ${yprev} ≠ ${grad}`);
    assert.ok(Math.abs(Number(grad) - Number(fd)) < 1e-4 + 2e-2 * Math.abs(Number(fd)), `${name}: backprop ${grad}, finite differences ${fd}`);
  }
  const loss = async () => Number(/C=([\d.]+)/.exec(await page.locator("#bFigure").textContent())[1]);
  const before = await loss();
  await page.click("#bApply");
  await page.waitForFunction(() => document.querySelector("#bStage").dataset.stage === "0");
  await page.click("#bNext");
  assert.ok((await loss()) < before, "the update did not lower the loss");
  await done(page, "backprop");
});

test("initialisation: constant weights move in lockstep, Xavier's do not", async () => {
  const page = await lesson("initialisation");
  await page.waitForFunction(() => document.querySelector("#iText").dataset.leftSpread !== undefined);
  await page.click("#iTrain");
  await page.waitForFunction(() => /Epoch 20/.test(document.querySelector("#iText").textContent));
  assert.equal(Number(await page.getAttribute("#iText", "data-left-spread")), 0);
  assert.ok(Number(await page.getAttribute("#iText", "data-right-spread")) > 0.1);
  await done(page, "initialisation");
});

test("approximation: a curve drawn freehand becomes the target", async () => {
  const page = await env.page("#approximation");
  await page.waitForSelector('body[data-lesson="approximation"]');
  await page.selectOption("#aTarget", "custom");
  const box = await page.locator("#aCanvas").boundingBox();
  await page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) await page.mouse.move(box.x + box.width * (0.12 + 0.04 * k), box.y + box.height * (0.7 - 0.4 * Math.sin(k / 6)), { steps: 2 });
  await page.mouse.up();
  await page.waitForTimeout(300);
  // The pen's path became the target: the drawn points rise and fall as the pen did, and the
  // target the worker fits passes through each of them.
  // (The list starts with four points the page offers before anything is drawn; the pen
  // replaced those it passed over, and left the two at the ends, x = ±1.)
  const custom = JSON.parse(await page.getAttribute("#aCanvas", "data-custom")).filter((p) => Math.abs(p.x) < 0.95);
  const target = JSON.parse(await page.getAttribute("#aCanvas", "data-target"));
  assert.ok(custom.length >= 10, `${custom.length} points drawn`);
  assert.ok(custom[0].x < -0.5 && custom[custom.length - 1].x > 0.5, "the points span the pen's path");
  assert.ok(custom.length >= 20, `${custom.length} points drawn`);
  const peak = Math.max(...custom.map((p) => p.y));
  assert.ok(peak - custom[0].y > 0.5 && peak - custom[custom.length - 1].y > 0.5, `the drawn hump: ${custom.map((p) => p.y.toFixed(2))}`);
  const at = (x) => { // the target, interpolated at x
    const k = Math.max(1, target.findIndex(([tx]) => tx >= x));
    const [[x0, y0], [x1, y1]] = [target[k - 1], target[k]];
    return y0 + ((y1 - y0) * (x - x0)) / ((x1 - x0) || 1);
  };
  for (const p of custom) assert.ok(Math.abs(at(p.x) - p.y) < 0.08, `the target at x ${p.x.toFixed(2)} is ${at(p.x).toFixed(2)}, drawn ${p.y.toFixed(2)}`);
  await page.click("#aLearn");
  await page.waitForFunction(() => Number(document.querySelector("#aScore").dataset.score) > 0.8, null, { timeout: 30000 });
  await page.close();
});

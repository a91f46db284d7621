// The lab in real headless Chromium: what a teacher would check with their own eyes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";

let env;
before(async () => { env = await start(); mkdirSync(screenshotDir, { recursive: true }); });
after(async () => { await env?.stop(); });

const pane = (page, i) => page.locator(`.pane[data-pane="${i}"]`);
const num = async (page, i, key) => Number(await pane(page, i).getAttribute(`data-${key}`));

test("the page loads with no console errors and draws both panes", async () => {
  const page = await env.page();
  assert.equal(await page.locator(".pane").count(), 2);
  assert.match(await pane(page, 0).locator(".stats").textContent(), /perceptron · epoch 0/);
  assert.match(await pane(page, 1).locator(".stats").textContent(), /2-8-8-1 · epoch 0/);
  await page.screenshot({ path: join(screenshotDir, "lab-start.png") });
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("XOR: the perceptron stays at or below 75% while the MLP reaches 95%", async () => {
  const page = await env.page();
  await page.selectOption("#preset", "xor");
  await page.waitForFunction(() => document.querySelector('.pane[data-pane="1"]').dataset.epoch === "0");
  await page.locator("#speed").fill("10");
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) >= 200, null, { timeout: 60000 });
  await page.click("#play");
  const left = await num(page, 0, "test-accuracy"), right = await num(page, 1, "test-accuracy");
  await page.screenshot({ path: join(screenshotDir, "lab-xor-trained.png") });
  assert.ok(left <= 0.75, `perceptron test accuracy ${left}`);
  assert.ok(right >= 0.95, `MLP test accuracy ${right}`);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("pause really pauses", async () => {
  const page = await env.page();
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) >= 10);
  await page.keyboard.press("Space"); // pause from the keyboard
  await page.waitForTimeout(500); // the frames already asked for may still land
  const epoch = await num(page, 1, "epoch");
  await page.waitForTimeout(1000);
  assert.equal(await num(page, 1, "epoch"), epoch, "training went on after pause");
  assert.equal(await page.locator("#play").textContent(), "▶ Play");
  // The still picture is the sharp one (playing draws most frames from a coarser grid), and the
  // numbers under it are the last ones (playing redraws them a few times a second).
  for (const i of [0, 1]) {
    assert.equal(await num(page, i, "heatmap-cells"), 100, `pane ${i}'s paused boundary is not the full grid`);
    assert.match(await pane(page, i).locator(".stats").textContent(), new RegExp(`epoch ${await num(page, i, "epoch")} `));
  }
  await page.close();
});

test("while it plays, the network drawing is updated in place, its links following the weights", async () => {
  const page = await env.page();
  const svg = await pane(page, 1).locator(".network svg").elementHandle();
  const widths = () => pane(page, 1).locator(".network line").evaluateAll((ls) => ls.map((l) => l.getAttribute("stroke-width")).join());
  const before = await widths();
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) >= 30);
  await page.click("#play");
  await page.waitForFunction(() => document.querySelector('.pane[data-pane="1"]').dataset.heatmapCells === "100");
  assert.ok(await svg.evaluate((el) => el.isConnected), "the network's drawing was rebuilt instead of updated");
  assert.notEqual(await widths(), before, "the links did not follow the trained weights");
  // Changing the network's shape does rebuild it.
  await pane(page, 1).locator(".m-hidden").fill("3");
  await page.waitForFunction(() => document.querySelectorAll('.pane[data-pane="1"] .network line').length === 2 * 3 + 3);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("clicking the plane adds a point, and the URL keeps it", async () => {
  const page = await env.page();
  const before = Number(await page.getAttribute("body", "data-points"));
  const box = await pane(page, 1).locator("canvas.plane").boundingBox();
  await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.2);
  await page.waitForFunction((n) => Number(document.body.dataset.points) === n + 1, before);
  const url = page.url();
  const again = await env.page(url.slice(url.indexOf("#")));
  assert.equal(Number(await again.getAttribute("body", "data-points")), before + 1);
  await page.close();
  await again.close();
});

test("a URL reproduces a scene", async () => {
  const page = await env.page();
  await page.selectOption("#preset", "spiral");
  await page.waitForFunction(() => /2-12-12-12-1/.test(document.querySelector('.pane[data-pane="1"] .stats').textContent));
  const hash = new URL(page.url()).hash;
  const copy = await env.page(hash);
  assert.equal(await copy.inputValue("#kind"), "spiral");
  assert.equal(await copy.inputValue("#points"), "500");
  assert.match(await pane(copy, 0).locator(".stats").textContent(), /2-6-1/);
  assert.match(await pane(copy, 1).locator(".stats").textContent(), /2-12-12-12-1/);
  assert.deepEqual(copy.consoleErrors, []);
  await page.close();
  await copy.close();
});

test("a hostile or broken URL falls back to defaults with a visible message", async () => {
  for (const hash of ["#lab=%%%not-base64", "#lab=" + Buffer.from(JSON.stringify({ data: { kind: "xor", points: 1e9 }, panes: [{ kind: "mlp", hidden: [1e6], learningRate: 1 }, {}] })).toString("base64url"), "#lab=" + Buffer.from("<script>alert(1)</script>").toString("base64url")]) {
    const page = await env.page(hash);
    await page.waitForSelector("#notice:not([hidden])");
    assert.match(await page.locator("#notice").textContent(), /default/);
    assert.equal(await page.inputValue("#kind"), "xor");
    assert.match(await pane(page, 1).locator(".stats").textContent(), /2-8-8-1/);
    await page.close();
  }
});

// applied waits until pane i's model in the page's link has every field of want: an edit
// applies once typing pauses, and a test must not take a frame from before it for one after.
const applied = (page, i, want) => page.waitForFunction(([i, want]) => {
  const m = location.hash.match(/^#lab=([^&]*)/);
  const model = m && JSON.parse(atob(m[1].replace(/-/g, "+").replace(/_/g, "/"))).panes[i];
  return model && Object.entries(want).every(([k, v]) => JSON.stringify(model[k]) === JSON.stringify(v));
}, [i, want]);

test("a too-high learning rate diverges, says so, and reset recovers", async () => {
  const page = await env.page();
  const p = pane(page, 1);
  await p.locator(".m-hidden").fill("16,16,16,16");
  await p.locator(".m-activation").selectOption("linear");
  await p.locator(".m-init").selectOption("uniform");
  await p.locator(".m-lr").fill("10");
  await p.locator(".m-batch").fill("1");
  await applied(page, 1, { hidden: [16, 16, 16, 16], activation: "linear", init: "uniform", learningRate: 10, batch: 1 });
  await page.click("#play");
  await page.waitForFunction(() => document.querySelector('.pane[data-pane="1"]').dataset.diverged === "true", null, { timeout: 30000 });
  assert.match(await p.locator(".alert").textContent(), /learning rate/);
  await page.screenshot({ path: join(screenshotDir, "lab-diverged.png") });
  await page.click("#play"); // pause
  await p.locator(".m-lr").fill("0.0001");
  await applied(page, 1, { learningRate: 0.0001 });
  await page.waitForFunction(() => document.querySelector('.pane[data-pane="1"]').dataset.diverged === "false");
  await page.click("#step");
  await page.waitForFunction(() => document.querySelector('.pane[data-pane="1"]').dataset.epoch === "1");
  assert.equal(await p.getAttribute("data-diverged"), "false");
  assert.equal(await p.locator(".alert").isHidden(), true);
  await page.close();
});

test("hovering a link shows its weight; clicking it sets a new one", async () => {
  const page = await env.page();
  const link = pane(page, 1).locator(".network line.link").first();
  await link.waitFor();
  assert.match(await link.locator("title").textContent(), /weight from x to neuron 1 = -?\d+\.\d{3}/);
  await link.click({ force: true });
  await page.fill("#wdValue", "250");
  await page.click("#wdSet");
  assert.match(await page.locator("#wdError").textContent(), /between -100 and 100/);
  await page.fill("#wdValue", "2.5");
  await page.click("#wdSet");
  await page.waitForFunction(() => /= 2\.500/.test(document.querySelector('.pane[data-pane="1"] .network line.link title').textContent));
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test("links are as thick as their weights are large, and coloured by sign as the legend says", async () => {
  const page = await env.page();
  await pane(page, 1).locator(".network line.link").first().waitFor();
  const links = await pane(page, 1).locator(".network line.link").evaluateAll((lines) => lines.map((l) => ({
    width: Number(l.getAttribute("stroke-width")),
    weight: Number(l.querySelector("title").textContent.match(/= (-?\d+\.\d+)/)[1]),
    stroke: l.getAttribute("stroke"),
  })));
  assert.ok(links.length > 50, `${links.length} links`);
  const widths = new Set(links.map((l) => l.width));
  assert.ok(widths.size > 10, `only ${widths.size} different widths`);
  const sorted = [...links].sort((a, b) => Math.abs(a.weight) - Math.abs(b.weight));
  assert.ok(sorted[0].width < sorted[sorted.length - 1].width, "the largest weight's link is not the thickest");
  const pos = links.find((l) => l.weight > 0), neg = links.find((l) => l.weight < 0);
  assert.notEqual(pos.stroke, neg.stroke);
  assert.match(pos.stroke, /40,110,200/); // blue, as the legend says
  assert.match(await pane(page, 1).locator(".legend").textContent(), /blue = positive weight/);
  await page.close();
});

test("links with huge or wrong-typed numbers answer at once (page ready within 3 s) with the default scene and a sentence", async () => {
  const scene = (data, panes = [{ kind: "perceptron", learningRate: 0.1 }, { kind: "mlp", learningRate: 0.1 }]) =>
    "#lab=" + Buffer.from(JSON.stringify({ data, panes })).toString("base64url");
  for (const hash of [
    scene({ kind: "xor", classes: 1e7 }),
    "#lab=" + Buffer.from('{"data":{"kind":"xor","classes":1e309},"panes":[{},{}]}').toString("base64url"),
    scene({ kind: "xor" }, [{ kind: "mlp", learningRate: "NaN" }, { kind: "mlp", learningRate: 0.1 }]),
    scene({ kind: "xor", seed: -1 }), scene({ kind: "xor", seed: 2 ** 70 }), scene({ kind: "xor", noise: "x" }),
  ]) {
    const t0 = Date.now();
    const page = await env.page(hash);
    await page.waitForSelector("#notice:not([hidden])");
    assert.ok(Date.now() - t0 < 5000, `${Date.now() - t0} ms to answer`); // generous for a loaded CI machine
    assert.ok(Number(await page.getAttribute("body", "data-ready-ms")) < 3000);
    const text = await page.locator("#notice").textContent();
    assert.match(text, /default scene/);
    assert.doesNotMatch(text, /unmarshal|Go struct|float64|uint64/);
    assert.equal(await page.locator("#addClass option").count(), 2);
    assert.doesNotMatch(page.url(), new RegExp(hash.slice(5, 40).replace(/[-_]/g, ".")), "the bad link stays in the address bar");
    assert.deepEqual(page.consoleErrors, []);
    await page.close();
  }
});

test("a scene with 1500 hand-placed points survives its own link", async () => {
  const custom = Array.from({ length: 1500 }, (_, i) => ({ x: ((i % 50) - 25) / 25, y: (Math.floor(i / 50) - 15) / 15, label: i % 2 }));
  const state = { data: { kind: "none", points: 0, classes: 2, noise: 0, testFraction: 0, seed: 1, custom }, panes: [{ kind: "perceptron", learningRate: 0.1, seed: 1 }, { kind: "mlp", hidden: [4], learningRate: 0.1, seed: 1 }], speed: 1, big: false };
  const page = await env.page("#lab");
  const hash = await page.evaluate(async (s) => (await import("./state.js")).toHash(s), state);
  assert.ok(hash.length < 20000, `${hash.length} characters`);
  const again = await env.page(hash);
  assert.equal(await again.getAttribute("body", "data-points"), "1500");
  await again.close();
  await page.close();
});

test("Space on a focused button presses that button; the play shortcut waits for no focus", async () => {
  const page = await env.page();
  await page.focus("#step");
  await page.keyboard.press(" ");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) === 1);
  await page.waitForTimeout(300);
  assert.notEqual(await page.getAttribute("body", "data-playing"), "true", "Space on Step started playing");
  assert.equal(await page.evaluate(() => document.activeElement.id), "step");
  assert.match(await page.title(), /^The lab:/);
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press(" ");
  await page.waitForFunction(() => document.body.dataset.playing === "true");
  await page.close();
  const digits = await env.page("#digits");
  assert.match(await digits.title(), /^Digits:/);
  await digits.close();
});

test("a control clicked with the mouse hands the shortcuts back; Shift+D samples a digit", async () => {
  const page = await env.page();
  const epoch = () => num(page, 1, "epoch");
  await page.click("#present"); // on, by mouse
  await page.keyboard.press(" ");
  await page.waitForFunction(() => document.body.dataset.playing === "true");
  assert.ok(await page.evaluate(() => document.body.classList.contains("presenter")), "Space after clicking Present turned presenter mode off");
  await page.keyboard.press(" ");
  await page.waitForFunction(() => document.body.dataset.playing === "false");
  await page.keyboard.press("p");
  await page.waitForFunction(() => !document.body.classList.contains("presenter"));
  // A scene picked with the mouse: Space plays, S steps.
  await page.selectOption("#preset", "two-layers");
  await page.evaluate(() => document.querySelector("#preset").dispatchEvent(new Event("change", { bubbles: true })));
  await page.waitForFunction(() => /One hidden layer of four/.test(document.querySelector("#caption").textContent));
  await page.locator("#preset").click({ position: { x: 5, y: 5 } }).catch(() => {}); // as a mouse would leave it
  await page.mouse.click(5, 5); // close it with the mouse
  await page.keyboard.press("s");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) >= 1);
  // Play clicked: S, R and P still work.
  await page.click("#play");
  await page.waitForFunction(() => document.body.dataset.playing === "true");
  await page.click("#play");
  await page.waitForFunction(() => document.body.dataset.playing === "false");
  // A frame asked for while playing may still land after the pause: wait until the epoch stays.
  let before = await epoch();
  for (let same = 0; same < 2;) {
    await page.waitForTimeout(300);
    const now = await epoch();
    same = now === before ? same + 1 : 0;
    before = now;
  }
  await page.keyboard.press("s");
  await page.waitForFunction((b) => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) === b + 1, before);
  await page.keyboard.press("r");
  await page.waitForFunction(() => document.querySelector('.pane[data-pane="1"]').dataset.epoch === "0");
  await page.keyboard.press("p");
  await page.waitForFunction(() => document.body.classList.contains("presenter"));
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
  const digits = await env.page("#digits");
  await digits.waitForSelector("body[data-digits-ready=true]");
  await digits.keyboard.press("Shift+D");
  await digits.waitForFunction(() => /Looks like/.test(document.querySelector("#verdict").textContent));
  await digits.close();
});

test("the network is one tab stop: arrow keys pick a weight and Enter changes it", async () => {
  const page = await env.page();
  await pane(page, 1).locator(".network svg").waitFor();
  assert.equal(await pane(page, 1).locator(".network line.link[tabindex='0']").count(), 0, "links are tab stops");
  await pane(page, 1).locator(".network svg").focus();
  await page.keyboard.press("ArrowRight");
  assert.match(await pane(page, 1).locator(".network .sr-only").textContent(), /layer 1: weight from x to neuron 2 = -?\d+\.\d{3}/);
  await page.keyboard.press("Enter");
  await page.fill("#wdValue", "1.25");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => [...document.querySelectorAll('.pane[data-pane="1"] .network line.link title')].some((t) => /neuron 2 = 1\.250/.test(t.textContent)));
  await page.close();
});

test("the keyboard adds a point: the plane takes focus, arrows move a cross-hair, Enter places it", async () => {
  const page = await env.page();
  const before = Number(await page.getAttribute("body", "data-points"));
  await pane(page, 0).locator("canvas.plane").focus();
  for (let k = 0; k < 4; k++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowUp");
  assert.match(await pane(page, 0).locator(".plane-wrap .sr-only").textContent(), /x 0\.20, y 0\.05/);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => Number(document.body.dataset.points) === n + 1, before);
  assert.notEqual(await page.getAttribute("body", "data-playing"), "true");
  await page.close();
});

test("a scene says what to notice, each pane names its network, and both are compared at the same epoch", async () => {
  const page = await env.page();
  assert.match(await page.locator("#caption").textContent(), /XOR: no straight line/);
  await page.selectOption("#preset", "spiral");
  await page.waitForFunction(() => /spiral needs depth/.test(document.querySelector("#caption").textContent));
  assert.equal(await pane(page, 0).locator(".title").textContent(), "Network 2-6-1, tanh");
  assert.equal(await pane(page, 1).locator(".title").textContent(), "Network 2-12-12-12-1, tanh");
  await page.click("#play");
  await page.waitForTimeout(1500);
  await page.click("#play");
  await page.waitForTimeout(400); // the last frame lands
  const epochs = await page.locator(".pane").evaluateAll((ps) => ps.map((p) => Number(p.dataset.epoch)));
  assert.ok(epochs[0] > 0 && epochs[0] === epochs[1], `epochs ${epochs}`);
  // Choosing it again restarts it.
  await page.selectOption("#preset", "restart");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) === 0);
  assert.equal(await page.inputValue("#preset"), "spiral");
  // The data card is folded to one line that says what the points are; opened, it edits them.
  assert.match(await page.locator("#dataSummary").textContent(), /Spiral · 500 points · 2 classes/);
  await page.click("#dataCard summary");
  await page.selectOption("#kind", "moons");
  await page.waitForFunction(() => document.querySelector("#preset").value === "" && document.querySelector("#caption").textContent === "");
  await page.close();
});

test("a network that has stopped learning says so; an erase that misses says so", async () => {
  const page = await env.page();
  const p = pane(page, 1);
  await p.locator(".m-lr").fill("10");
  await p.locator(".m-lr").dispatchEvent("change");
  await page.fill("#speed", "10");
  await page.dispatchEvent("#speed", "input");
  await page.click("#play");
  await page.waitForFunction(() => !document.querySelector('.pane[data-pane="1"] .alert').hidden, null, { timeout: 30000 });
  assert.match(await p.locator(".alert").textContent(), /stopped learning|diverged/);
  await page.click("#play");
  await page.check("input[name=tool][value=erase]");
  const box = await pane(page, 0).locator("canvas.plane").boundingBox();
  await page.mouse.click(box.x + 3, box.y + 3); // a corner, far from any point
  await page.waitForSelector("#notice:not([hidden])");
  assert.match(await page.locator("#notice").textContent(), /no point there to erase/);
  await page.close();
});

test("edits apply as they are typed; a refused one is explained beside the field and kept", async () => {
  const page = await env.page();
  const p = pane(page, 1);
  await p.locator(".m-hidden").fill("4,4");
  await page.waitForFunction(() => /2-4-4-1/.test(document.querySelector('.pane[data-pane="1"] .stats').textContent));
  await p.locator(".m-hidden").fill("99");
  await page.waitForFunction(() => /between 1 and 16/.test(document.querySelector('.pane[data-pane="1"] .field-error').textContent));
  assert.equal(await p.locator(".m-hidden").inputValue(), "99");
  assert.equal(await p.locator(".m-hidden").getAttribute("aria-invalid"), "true");
  assert.match(await p.locator(".stats").textContent(), /2-4-4-1/);
  assert.equal(await page.locator("#notice:not([hidden])").count(), 0);
  await page.close();
});

test("a second edit that asks for the same network does not restart the one training", async () => {
  const page = await env.page();
  const p = pane(page, 1);
  // Each field's edit, once typing pauses, reads the whole form: the learning rate's edit
  // already carries the batch typed 300 ms after it, and the batch's own edit then asks for
  // the same network while it trains.
  await p.locator(".m-lr").fill("0.05");
  await page.waitForTimeout(300);
  await p.locator(".m-batch").fill("4");
  await applied(page, 1, { learningRate: 0.05, batch: 4 });
  await page.evaluate(() => {
    const root = document.querySelector('.pane[data-pane="1"]');
    window.epochsSeen = [];
    new MutationObserver(() => window.epochsSeen.push(Number(root.dataset.epoch))).observe(root, { attributeFilter: ["data-epoch"] });
  });
  await page.click("#play");
  await page.waitForTimeout(1200); // well past the batch edit's pause
  await page.click("#play");
  const seen = await page.evaluate(() => window.epochsSeen);
  assert.ok(seen.length > 2 && seen.at(-1) > 0, `it trained: ${seen}`);
  assert.ok(seen.every((e, k) => k === 0 || e >= seen[k - 1]), `the epoch never went back: ${seen}`);
  await page.close();
});

// Presenter mode on a 1920×1080 projector: forms fold away, the figures fill the screen, text is
// large, canvases are drawn at the screen's resolution.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";

let env;
before(async () => { env = await start(); mkdirSync(screenshotDir, { recursive: true }); });
after(async () => { await env?.stop(); });

const projector = { width: 1920, height: 1080 };

test("the lab on a projector: two large planes side by side, on one screen, sharp", async () => {
  const page = await env.page("?present#lab", projector);
  assert.equal(await page.evaluate(() => document.body.classList.contains("presenter")), true);
  await page.waitForFunction(() => document.querySelector(".pane canvas.plane").width > 600);
  const planes = await page.locator("canvas.plane").evaluateAll((cs) => cs.map((c) => ({ ...c.getBoundingClientRect().toJSON(), px: c.width })));
  assert.equal(planes.length, 2);
  assert.ok(Math.abs(planes[0].top - planes[1].top) < 2 && planes[0].right <= planes[1].left, "the planes are not side by side");
  for (const p of planes) {
    assert.ok(p.width >= 650, `a plane is ${Math.round(p.width)} px wide`);
    assert.ok(p.bottom <= 1080, `a plane runs to ${Math.round(p.bottom)} px, off the screen`);
    assert.ok(Math.abs(p.px - p.width) <= 2, `drawn at ${p.px} px for ${Math.round(p.width)} px on screen`);
  }
  assert.ok(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize)) >= 24);
  assert.equal(await page.locator(".pane .model").first().isVisible(), false, "the model form is still shown");
  await page.screenshot({ path: join(screenshotDir, "presenter-lab.png") });
  await page.keyboard.press("p");
  assert.equal(await page.evaluate(() => document.body.classList.contains("presenter")), false, "P does not leave presenter mode");
  await page.close();
});

test("digits on a projector: the pad and its verdict fill the screen", async () => {
  const page = await env.page("?present#digits", projector);
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  await page.click("#sample");
  await page.waitForFunction(() => document.querySelector("#verdict").dataset.digit);
  const pad = await page.locator("#pad").boundingBox();
  const verdict = await page.locator("#verdict").boundingBox();
  assert.ok(pad.width >= 700 && pad.y + pad.height <= 1080, `pad ${Math.round(pad.width)} px, bottom ${Math.round(pad.y + pad.height)}`);
  assert.ok(verdict.y + verdict.height <= 1080 && verdict.x > pad.x + pad.width - 5, "the verdict is not beside the pad");
  assert.ok(await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("#verdict")).fontSize)) >= 48);
  assert.equal(await page.locator(".train-card").isVisible(), false);
  await page.screenshot({ path: join(screenshotDir, "presenter-digits.png") });
  await page.close();
});

// Every section on the projectors schools have: nothing scrolls, no text under 24 px, and what a
// caption points at is on the screen.
const sections = ["lab", "digits", "listen", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];
const projectors = [[1024, 768], [1280, 720], [1366, 768], [1920, 1080]];

// smallText lists the visible elements whose own text is under 24 px.
const smallText = () => {
  const small = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") || !el.getClientRects().length) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 24) small.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${el.textContent.trim().slice(0, 20)}" ${size}px`);
  }
  return small;
};

test("presenter mode at 1024×768, 1280×720, 1366×768 and 1920×1080: every section fits, text at least 24 px", async () => {
  const problems = [];
  for (const [width, height] of projectors) {
    for (const s of sections) {
      const page = await env.page("?present#" + s, { width, height });
      if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
      else if (s === "listen") await page.waitForSelector("body[data-listen-ready=true]", { timeout: 60000 });
      else if (s !== "lab") await page.waitForSelector(`body[data-lesson="${s}"]`, { timeout: 30000 });
      // The figures fit themselves once drawn (a worker's answer may come late on a loaded machine).
      await page.waitForFunction((h) => document.documentElement.scrollHeight <= h, height, { timeout: 5000 }).catch(() => {});
      await page.waitForTimeout(300);
      const [scrollH, scrollW] = await page.evaluate(() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]);
      if (scrollH > height) problems.push(`${s} at ${width}×${height} scrolls: ${scrollH} px tall`);
      if (scrollW > width) problems.push(`${s} at ${width}×${height} scrolls sideways: ${scrollW} px wide`);
      for (const t of (await page.evaluate(smallText)).slice(0, 3)) problems.push(`${s} at ${width}×${height}: ${t}`);
      await page.close();
    }
  }
  assert.deepEqual(problems, []);
});

test("presenter mode shows what a caption points at: the loss chart, the network, the experiment, the training", async () => {
  for (const [width, height] of [[1024, 768], [1920, 1080]]) {
    const page = await env.page("?present#lab", { width, height });
    for (const [scene, what] of [["overfitting", ".pane canvas.chart"], ["two-layers", ".pane .network svg"]]) {
      await page.selectOption("#preset", scene);
      await page.waitForFunction((sel) => document.querySelector(sel) && document.querySelector(sel).getClientRects().length, what);
      await page.waitForFunction((h) => document.documentElement.scrollHeight <= h, height, { timeout: 5000 }).catch(() => {});
      await page.waitForTimeout(300);
      const shown = await page.locator(what).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      assert.equal(shown.length, 2, `${scene}: both panes' ${what}`);
      for (const r of shown) assert.ok(r.height > 60 && r.bottom <= height + 1, `${scene} at ${width}×${height}: ${what} is ${Math.round(r.height)} px tall, ending at ${Math.round(r.bottom)}`);
      const planes = await page.locator("canvas.plane").evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().bottom));
      for (const b of planes) assert.ok(b <= height, `${scene} at ${width}×${height}: a plane ends at ${Math.round(b)} px`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollHeight) <= height, `${scene} at ${width}×${height} scrolls`);
    }
    await page.close();
    const digits = await env.page("?present#digits", { width, height });
    await digits.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
    for (const [view, card] of [["experiment", ".experiment-card"], ["train", ".train-card"]]) {
      await digits.click(`.present-views button[data-view=${view}]`);
      assert.ok(await digits.locator(card).isVisible(), `${card} on the projector`);
      assert.equal(await digits.locator(".draw-card").isVisible(), false);
    }
    await digits.close();
  }
});

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

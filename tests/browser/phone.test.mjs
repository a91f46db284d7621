// A phone (390×844): no section scrolls sideways, and on Digits the verdict is in view while
// drawing. Screenshots of each section land in test-results/ for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";

const sections = ["lab", "digits", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];
let env;
before(async () => { env = await start(); mkdirSync(screenshotDir, { recursive: true }); });
after(async () => { await env?.stop(); });

test("no section scrolls sideways on a phone", async () => {
  const wide = [];
  for (const s of sections) {
    const page = await env.page("#" + s, { width: 390, height: 844 });
    if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
    else if (s !== "lab") await page.waitForSelector(`body[data-lesson="${s}"]`);
    await page.waitForTimeout(300);
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    if (scroll > inner) wide.push(`${s}: ${scroll} px`);
    await page.screenshot({ path: join(screenshotDir, `phone-${s}.png`), fullPage: true });
    await page.close();
  }
  assert.deepEqual(wide, []);
});

test("on a phone, the verdict is in view while drawing", async () => {
  const page = await env.page("#digits", { width: 390, height: 844 });
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  const pad = page.locator("#pad");
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.15 * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.85 * box.height, { steps: 10 });
  const verdict = await page.locator("#verdict").boundingBox();
  await page.mouse.up();
  assert.ok(verdict.y + verdict.height <= 844 && verdict.y >= 0, `the verdict is at ${Math.round(verdict.y)} px, outside the 844 px screen`);
  await page.close();
});

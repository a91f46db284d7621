// Teach it your handwriting, in real headless Chromium: a person draws digits with the mouse,
// says which digit each was (a digit key, a tap on its bar or on the digit under the reading), the examples stay in the
// browser, and "Learn my handwriting" fine-tunes the reader in the worker, with before/after on
// the ones held back and MNIST's test error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { drawOnPad, start } from "./harness.mjs";
import { gallery } from "../../web/samples.js";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

test("teach it your handwriting: 20 examples kept in the browser, learnt in seconds, held-back ones read at least as well, MNIST kept", async () => {
  const page = await env.page("#digits");
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  // Two of each digit, in the last (rarest) style the gallery has of it: centred and slanted.
  const mine = [];
  for (let d = 0; d <= 9; d++) {
    const of = gallery.filter((g) => g.digit === d);
    const style = of[of.length - 1].style.split(" ")[0];
    mine.push(...of.filter((g) => g.style.startsWith(style) && !/small/.test(g.style)));
  }
  assert.equal(mine.length, 20);
  for (const [i, g] of mine.entries()) {
    await drawOnPad(page, g.strokes, 2);
    const kept = Number(await page.getAttribute("body", "data-handwriting")) || 0;
    if (i % 4 === 1) await page.click(`#itWas button[data-digit="${g.digit}"]`); // a tap on the digit
    else if (i % 4 === 3) await page.click(`#bars li:nth-child(${g.digit + 1})`); // a tap on its bar
    else { await page.locator("body").focus(); await page.keyboard.press(String(g.digit)); } // a key
    await page.waitForFunction((n) => Number(document.body.dataset.handwriting) === n, kept + 1);
  }
  assert.equal(await page.locator("#hList .example").count(), 20);
  assert.match(await page.locator("#hCounts").textContent(), /20 examples: 0: 2 · 1: 2/);

  await page.click("#hLearn");
  await page.waitForSelector("body[data-taught]", { timeout: 180000 });
  const t = JSON.parse(await page.getAttribute("body", "data-taught"));
  const seconds = Number(await page.getAttribute("body", "data-learnt-seconds"));
  console.log(`first answer ${await page.getAttribute("body", "data-teach-first-ms")} ms after the press; learnt 20 examples in ${seconds} s in Chromium; held back ${t.held}: ${Math.round(100 * t.before)}% -> ${Math.round(100 * t.after)}% right; MNIST test error ${t.mnistBefore.toFixed(2)}% -> ${t.mnistAfter.toFixed(2)}%`);
  assert.equal(t.held, 10);
  assert.equal(t.taught, 10);
  assert.ok(t.after >= t.before, `held back: ${t.before} -> ${t.after}`);
  assert.ok(t.mnistAfter <= t.mnistBefore + 0.2, `MNIST test error ${t.mnistBefore}% -> ${t.mnistAfter}%`);
  assert.match(await page.locator("#hStatus").textContent(), /held-back digits.*MNIST test error/);
  assert.equal(await page.getAttribute("body", "data-model"), "yours");

  // The taught model downloads with every field of a model file.
  const [model] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(readFileSync(await model.path()).subarray(0, 7).toString(), "SOMEHOW");

  // The examples outlive the tab; one can be deleted, and the rest exported.
  await page.reload();
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  await page.waitForFunction(() => document.querySelectorAll("#hList .example").length === 20);
  await page.click("#hList .example button");
  await page.waitForFunction(() => document.querySelectorAll("#hList .example").length === 19);
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("#hExport")]);
  const exported = JSON.parse(readFileSync(await file.path(), "utf8"));
  assert.equal(exported.format, "somehow handwriting 1");
  assert.equal(exported.examples.length, 19);
  assert.equal(Buffer.from(exported.examples[0].image, "base64").length, 784);
  assert.ok(exported.examples[0].strokes.length >= 1);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

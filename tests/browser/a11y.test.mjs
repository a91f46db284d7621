// Every page and section audited by axe-core in the real browser: no serious or critical
// violations. (The page's CSP forbids injected scripts, so the audit's context bypasses it.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { start } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const sections = ["lab", "digits", "listen", "class", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];

let env, context;
before(async () => {
  env = await start();
  context = await env.browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
});
after(async () => { await env?.stop(); });

async function audit(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")}`);
  });
}

test("axe finds no serious or critical violations on any section", async () => {
  const found = [];
  for (const s of sections) {
    const page = await context.newPage();
    await page.goto(env.base + "#" + s);
    await page.waitForSelector("body[data-ready=true]");
    if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
    else if (s === "listen") await page.waitForSelector("body[data-listen-ready=true]", { timeout: 60000 });
    else if (s === "class") {
      // The teacher's projector with a class open, and a phone that joined it.
      await page.click("#classOpen");
      await page.waitForSelector("#classQR[data-size]");
    } else if (s !== "lab") await page.waitForSelector(`body[data-lesson="${s}"]`);
    await page.waitForTimeout(500);
    for (const v of await audit(page)) found.push(`#${s}: ${v}`);
    if (s === "class") {
      const phone = await context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(env.base + "#class=" + (await page.getAttribute("body", "data-class-code")));
      await phone.waitForSelector("#phoneName:not(:empty)");
      for (const v of await audit(phone)) found.push(`#class= (a phone): ${v}`);
      await phone.close();
    }
    await page.close();
  }
  assert.deepEqual(found, []);
});

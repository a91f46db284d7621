// Every page and section audited by axe-core in the real browser: no serious or critical
// violations. (The page's CSP forbids injected scripts, so the audit's context bypasses it.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { start } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const sections = ["lab", "digits", "listen", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];

let env, context;
before(async () => {
  env = await start();
  context = await env.browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
});
after(async () => { await env?.stop(); });

test("axe finds no serious or critical violations on any section", async () => {
  const found = [];
  for (const s of sections) {
    const page = await context.newPage();
    await page.goto(env.base + "#" + s);
    await page.waitForSelector("body[data-ready=true]");
    if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
    else if (s === "listen") await page.waitForSelector("body[data-listen-ready=true]", { timeout: 60000 });
    else if (s !== "lab") await page.waitForSelector(`body[data-lesson="${s}"]`);
    await page.waitForTimeout(500);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")}`);
    });
    for (const v of result) found.push(`#${s}: ${v}`);
    await page.close();
  }
  assert.deepEqual(found, []);
});

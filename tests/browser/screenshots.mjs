// Screenshots of every section at phone, laptop and projector sizes, for a person to look at
// (run: node tests/browser/screenshots.mjs [section ...]; they land in test-results/).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";

const sections = process.argv.slice(2).length ? process.argv.slice(2)
  : ["lab", "digits", "listen", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];
const sizes = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 }, projector: { width: 1920, height: 1080 } };
mkdirSync(screenshotDir, { recursive: true });
const env = await start();
try {
  for (const [name, viewport] of Object.entries(sizes)) {
    for (const s of sections) {
      const page = await env.page("#" + s, viewport);
      if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 30000 });
      if (s === "listen") await page.waitForSelector("body[data-listen-ready=true]", { timeout: 30000 });
      if (s !== "lab" && s !== "digits" && s !== "listen") await page.waitForSelector(`body[data-lesson="${s}"]`, { timeout: 30000 });
      await page.waitForTimeout(800);
      const file = join(screenshotDir, `${s}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      console.log(`${file} scrollWidth ${wide} (viewport ${viewport.width})${page.consoleErrors.length ? " errors: " + page.consoleErrors.join("; ") : ""}`);
      await page.close();
    }
  }
} finally {
  await env.stop();
}

// Screenshots of every section at phone, laptop and projector sizes, for a person to look at
// (run: node tests/browser/screenshots.mjs [section ...]; they land in test-results/).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";
import { gallery } from "../../web/samples.js";

const sections = process.argv.slice(2).length ? process.argv.slice(2)
  : ["lab", "digits", "listen", "class", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];
const sizes = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 }, projector: { width: 1920, height: 1080 } };
mkdirSync(screenshotDir, { recursive: true });
const env = await start();

// openClass opens a class on the page and has four phones send a dozen digits through the API
// (a phone's page instead, on the phone size), so that the board has something to show.
async function openClass(page, asPhone) {
  await page.click("#classOpen");
  await page.waitForSelector("#classQR[data-size]");
  const code = await page.getAttribute("body", "data-class-code");
  const api = (path, body) => fetch(env.base + "api/class/" + code + path, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json());
  for (let p = 0; p < 4; p++) {
    const { device } = await api("/join");
    for (const g of gallery.filter((x) => x.style.endsWith("centred")).slice(p * 4, p * 4 + 4)) {
      await api("/drawings", { device, client: g.style, asked: -1, said: g.digit, strokes: g.strokes.map((st) => st.map(([x, y]) => [280 * x, 280 * y])) });
    }
  }
  await page.waitForFunction(() => Number(document.body.dataset.classDrawings) >= 16);
  if (asPhone) {
    await page.goto(env.base + "#class=" + code);
    await page.waitForSelector("#phoneName:not(:empty)");
  }
}
try {
  for (const [name, viewport] of Object.entries(sizes)) {
    for (const s of sections) {
      const page = await env.page("#" + s, viewport);
      if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 30000 });
      if (s === "listen") await page.waitForSelector("body[data-listen-ready=true]", { timeout: 30000 });
      if (s === "class") await openClass(page, name === "phone");
      if (s !== "lab" && s !== "digits" && s !== "listen" && s !== "class") await page.waitForSelector(`body[data-lesson="${s}"]`, { timeout: 30000 });
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

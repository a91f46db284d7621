// Shared by the browser tests: start the real server (serve.go) on a free port and a headless
// Debian Chromium driven by playwright-core; collect console errors per page.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on("error", reject);
  });
}

async function waitForServer(url, proc, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error("the server exited with " + proc.exitCode);
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not start in time");
}

// serve builds the server of the checkout in dir (this one unless told) and starts it on a free
// port of this machine, serving that checkout's web/ (built beforehand: make wasm).
export async function serve(dir = root, web = "web") {
  const tmp = mkdtempSync(join(tmpdir(), "somehow-"));
  const bin = join(tmp, "serve");
  execFileSync("go", ["build", "-o", bin, "."], { cwd: dir, stdio: "inherit" });
  const port = await freePort();
  // Each test run keeps its classes in a database of its own.
  const server = spawn(bin, ["-addr", `127.0.0.1:${port}`, "-web", web, "-db", join(tmp, "classes.db")], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
  const base = `http://127.0.0.1:${port}/`;
  await waitForServer(base, server);
  return { base, server };
}

// start builds and starts the server and the browser, serving this checkout's web/ or the
// folder web (a copy a test may change, as a new build would). Call stop() when done.
export async function start({ web } = {}) {
  const { base, server } = await serve(root, web);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  return {
    base, browser,
    async page(path = "", viewport = { width: 1400, height: 1000 }) {
      const page = await browser.newPage({ viewport });
      page.consoleErrors = [];
      page.on("console", (m) => { if (m.type() === "error") page.consoleErrors.push(m.text()); });
      page.on("pageerror", (e) => page.consoleErrors.push(e.message));
      page.on("dialog", (d) => (page.onDialog ? page.onDialog(d) : d.dismiss()));
      await page.goto(base + path);
      await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
      return page;
    },
    // stopServer takes the site off the network, as a dropped Wi-Fi would.
    async stopServer() {
      server.kill();
      await new Promise((r) => server.exitCode !== null || server.signalCode !== null ? r() : server.once("exit", r));
    },
    async stop() {
      await browser.close();
      server.kill();
    },
  };
}

export const screenshotDir = join(root, "test-results");

// drawOnPad draws strokes (in the pad's unit square) on the digits page's pad with the mouse,
// as a hand does, and waits for the reading of the finished drawing; it returns the digit read.
export async function drawOnPad(page, strokes, steps = 6) {
  await page.click("#clear");
  const read = Number(await page.getAttribute("body", "data-strokes-read")) || 0;
  const box = await page.locator("#pad").boundingBox();
  const pt = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const s of strokes) {
    await page.mouse.move(...pt(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...pt(p), { steps });
    await page.mouse.up();
  }
  // The reading of the finished drawing (not one made while the pen was still moving).
  await page.waitForFunction((n) => Number(document.body.dataset.strokesRead) >= n && document.body.dataset.classifying === "false", read + 1);
  return Number(await page.getAttribute("#verdict", "data-digit"));
}

// A school's Wi-Fi drops: after the first visit, the site keeps working with the server gone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

test("after the first visit, digits and the lab work with the server gone", async () => {
  const page = await env.page("#digits");
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  // The service worker has cached the app shell and controls the page.
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active && navigator.serviceWorker.controller, null, { timeout: 60000 });
  await env.stopServer();
  const res = await page.request.get(env.base).catch((e) => e);
  assert.ok(res instanceof Error, "the server still answers");

  await page.reload();
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  const box = await page.locator("#pad").boundingBox();
  const pt = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...pt([0.25, 0.2]));
  await page.mouse.down();
  for (const p of [[0.75, 0.2], [0.45, 0.85]]) await page.mouse.move(...pt(p), { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => Number(document.body.dataset.strokesRead) >= 1 && document.body.dataset.classifying === "false");
  assert.equal(Number(await page.getAttribute("#verdict", "data-digit")), 7);

  await page.goto(env.base + "#lab");
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) >= 5);
  assert.deepEqual(page.consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
  await page.close();
});

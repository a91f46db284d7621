// A school's Wi-Fi drops: after the first visit, the site keeps working with the server gone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

test("after the first visit, digits, training on MNIST and the lab work with the server gone", async () => {
  const page = await env.page("#digits");
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  // The service worker has cached the app shell and controls the page.
  // (An async predicate would pass at once: waitForFunction takes the promise as the answer.)
  await page.waitForFunction(() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === "activated", null, { timeout: 60000 });
  // MNIST is kept in the background, without the page asking for it.
  const kept = () => page.evaluate(async () => {
    for (const f of ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
      if (!(await caches.match("assets/mnist/" + f))) return false;
    }
    return true;
  });
  for (const end = Date.now() + 60000; !(await kept());) {
    assert.ok(Date.now() < end, "MNIST was not kept for offline use within a minute");
    await page.waitForTimeout(500);
  }
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

  // Training on MNIST, offline (a small part of it, for time).
  await page.goto(env.base + "?trainLimit=2000#digits");
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  await page.selectOption("#tPreset", "fast");
  await page.fill("#tEpochs", "1");
  await page.click("#tStart");
  await page.waitForFunction(() => /examples\/s|Done|Could not/.test(document.querySelector("#tStatus").textContent), null, { timeout: 60000 });
  assert.doesNotMatch(await page.locator("#tStatus").textContent(), /Could not/, page.consoleErrors.join("; "));

  await page.goto(env.base + "#lab");
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector('.pane[data-pane="1"]').dataset.epoch) >= 5);
  assert.deepEqual(page.consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
  await page.close();
});

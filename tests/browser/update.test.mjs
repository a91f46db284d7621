// A new build must not take over an open tab: its lazily loaded modules would come from the
// new build against the old ones already running (issue 23: digits.js from the new cache
// against the old plot.js, "does not provide an export named ...", Digits never loaded). The
// tab keeps its version until the person takes the offer to reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, root } from "./harness.mjs";

let env;
const web = join(mkdtempSync(join(tmpdir(), "somehow-web-")), "web");
before(async () => {
  cpSync(join(root, "web"), web, { recursive: true });
  env = await start({ web });
});
after(async () => { await env?.stop(); });

test("a new version waits for the person's reload, and an open tab keeps loading its own", async () => {
  const page = await env.page("#lab");
  await page.waitForFunction(() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === "activated", null, { timeout: 60000 });

  // A new build: a new version, and a listen.js that says it is new.
  const version = join(web, "version.js");
  writeFileSync(version, readFileSync(version, "utf8").replace(/SOMEHOW_VERSION = "[^"]*"/, 'SOMEHOW_VERSION = "next-build"'));
  const listen = join(web, "listen.js");
  writeFileSync(listen, 'window.somehowBuild = "next";\n' + readFileSync(listen, "utf8"));
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.waitForSelector("#update:not([hidden])", { timeout: 60000 });

  // The open tab loads Listen lazily: from its own version.
  await page.evaluate(() => { location.hash = "#listen"; });
  await page.waitForSelector("body[data-listen-ready=true]", { timeout: 60000 });
  assert.equal(await page.evaluate(() => window.somehowBuild), undefined, "the open tab loaded a module of the new build");

  // Taking the offer reloads into the new version.
  await page.click("#updateReload");
  await page.waitForFunction(() => window.somehowBuild === "next", null, { timeout: 60000 });
  await page.waitForSelector("body[data-listen-ready=true]", { timeout: 60000 });
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

// A phone (390×844, and a small one, 360×640): no section scrolls sideways, on Digits the verdict
// and the bars are in view while drawing, and on the lab a swipe scrolls while a tap adds a point. Screenshots of each section land in test-results/ for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { start, screenshotDir } from "./harness.mjs";

const sections = ["lab", "digits", "listen", "neuron", "activations", "approximation", "overfitting", "gradient-descent", "backprop", "initialisation"];
let env;
before(async () => { env = await start(); mkdirSync(screenshotDir, { recursive: true }); });
after(async () => { await env?.stop(); });

test("no section scrolls sideways on a phone", async () => {
  const wide = [];
  for (const s of sections) {
    const page = await env.page("#" + s, { width: 390, height: 844 });
    if (s === "digits") await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
    else if (s === "listen") await page.waitForSelector("body[data-listen-ready=true]", { timeout: 60000 });
    else if (s !== "lab") await page.waitForSelector(`body[data-lesson="${s}"]`);
    await page.waitForTimeout(300);
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    if (scroll > inner) wide.push(`${s}: ${scroll} px`);
    await page.screenshot({ path: join(screenshotDir, `phone-${s}.png`), fullPage: true });
    await page.close();
  }
  assert.deepEqual(wide, []);
});

test("on a phone, the verdict and all ten bars are in view while drawing, at 390×844 and 360×640", async () => {
  for (const [width, height] of [[390, 844], [360, 640]]) {
    const page = await env.page("#digits", { width, height });
    await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
    assert.equal(await page.evaluate(() => scrollY), 0, "opening #digits scrolled the header away");
    const box = await page.locator("#pad").boundingBox();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.15 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.85 * box.height, { steps: 10 });
    await page.waitForFunction(() => document.querySelectorAll("#bars li").length === 10);
    const verdict = await page.locator("#verdict").boundingBox();
    const bars = await page.locator("#bars").boundingBox();
    await page.mouse.up();
    assert.ok(verdict.y >= 0 && bars.y + bars.height <= height, `${width}×${height}: the verdict is at ${Math.round(verdict.y)} px and the bars end at ${Math.round(bars.y + bars.height)} px, on a ${height} px screen`);
    await page.close();
  }
});

test("on a phone, a swipe that starts on the lab's plane scrolls the page; a tap adds a point", async () => {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(env.base + "#lab");
  await page.waitForSelector("body[data-ready=true]");
  const points = async () => Number(await page.getAttribute("body", "data-points"));
  const before = await points();
  const plane = page.locator('.pane[data-pane="0"] canvas.plane');
  // The plane in view, its lower part near the bottom of the screen, with room to scroll.
  await page.evaluate(() => { const r = document.querySelector('.pane[data-pane="0"] canvas.plane').getBoundingClientRect(); scrollTo(0, scrollY + r.top - 200); });
  const box = await plane.boundingBox();
  const x = box.x + box.width / 2, y = box.y + box.height * 0.7;
  assert.ok(y < 800, `the swipe would start off the screen, at ${y}`);
  const startY = await page.evaluate(() => scrollY);
  // A finger swipes up from the plane, as a real one would: touch events through the DevTools protocol.
  const cdp = await context.newCDPSession(page);
  const touch = (type, py, px = x) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x: px, y: py }] });
  await touch("touchStart", y);
  for (let k = 1; k <= 10; k++) await touch("touchMove", y - 30 * k);
  await touch("touchEnd");
  await page.waitForTimeout(500);
  assert.ok(await page.evaluate(() => scrollY) > startY + 100, "the swipe did not scroll the page");
  assert.equal(await points(), before, "the swipe added a point");
  await plane.scrollIntoViewIfNeeded();
  const again = await plane.boundingBox();
  await touch("touchStart", again.y + again.height / 2, again.x + again.width / 2);
  await touch("touchEnd");
  await page.waitForFunction((n) => Number(document.body.dataset.points) === n + 1, before);
  await context.close();
});

test("on a phone, the backpropagation figure's numbers stay readable", async () => {
  const page = await env.page("#backprop", { width: 390, height: 844 });
  await page.waitForSelector('body[data-lesson="backprop"]');
  const heights = await page.locator("#bFigure text").evaluateAll((ts) => ts.filter((t) => t.textContent.trim()).map((t) => t.getBoundingClientRect().height));
  assert.ok(heights.length > 5 && Math.min(...heights) >= 11, `labels ${Math.round(Math.min(...heights))} px tall`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, "the page scrolls sideways");
  await page.close();
});

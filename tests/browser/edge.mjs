// Starts the edge build under local workerd (wrangler dev --local, 127.0.0.1 only, no account).
// The build itself (make edge-build) comes first; `make test` does it.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./harness.mjs";

export async function startEdge(port) {
  const t0 = Date.now();
  const proc = spawn(join(root, "node_modules/.bin/wrangler"), ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port),
    // A fresh local D1 (the classes) for each run, not the one `make edge` keeps.
    "--persist-to", mkdtempSync(join(tmpdir(), "somehow-edge-"))], {
    cwd: join(root, "wasm/edge"),
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  proc.stdout.on("data", (d) => { log += d; });
  proc.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}/`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error("wrangler exited:\n" + log);
    if (Date.now() - t0 > 120000) throw new Error("wrangler did not start in 120 s:\n" + log);
    if (/Ready on/.test(log)) {
      try { if ((await fetch(base + "api/models")).ok) break; } catch { /* not yet */ }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base, startMs: Date.now() - t0,
    stop() { try { process.kill(-proc.pid, "SIGTERM"); } catch { /* gone */ } },
  };
}

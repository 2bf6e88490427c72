import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian's `chromium` lives (scripts/setup-debian.sh installs it); `CHROMIUM` overrides. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Flags that keep headless Chromium off the network and out of the user's profile. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--hide-scrollbars",
];

/** Options of {@link renderInBrowser}. */
export interface BrowserRenderOptions {
  /** Also save a PNG screenshot here. */
  screenshot?: string;
  /** Window size for the screenshot. Defaults to `1400,2400`. */
  windowSize?: string;
  /** Kill Chromium after this long. Defaults to 60 s. */
  timeoutMs?: number;
}

/** Opens a local HTML file in headless Chromium and returns the DOM after scripts ran. */
export async function renderInBrowser(htmlPath: string, opts: BrowserRenderOptions = {}): Promise<string> {
  const bin = chromiumPath();
  if (!bin) throw new Error("chromium not found: run scripts/setup-debian.sh or set CHROMIUM");
  const profile = await mkdtemp(join(tmpdir(), "bench-chromium-"));
  const url = pathToFileURL(htmlPath).href;
  const common = [...FLAGS, `--user-data-dir=${profile}`, `--window-size=${opts.windowSize ?? "1400,2400"}`];
  const timeout = opts.timeoutMs ?? 60_000;
  try {
    const { stdout } = await run(bin, [...common, "--dump-dom", url], {
      timeout,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (opts.screenshot) await run(bin, [...common, `--screenshot=${opts.screenshot}`, url], { timeout });
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

// `pnpm screenshots`: regenerates the README's console screenshots (docs/console-playground.png,
// docs/console-dashboard.png) from a real local stack (generated model, two runtimes) driven in
// Debian's Chromium. Some traffic is sent first, so the dashboard has decisions, charts and spend.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pino from "pino";
import { LOCAL_API_KEY, LOCAL_MODEL, startLocalStack } from "../local-stack/stack.js";
import { DESKTOP, goTo, launchChromium, openConsole, sendPrompt, sendSideBySide } from "./console-driver.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

async function traffic(url: string): Promise<void> {
  const variants: Record<string, string>[] = [
    {},
    { "x-router-strategy": "cost" },
    { "x-router-strategy": "latency" },
    { "x-router-target": "local-dev2-cpu" },
    {},
    { "x-router-strategy": "cluster_first" },
  ];
  for (const extra of variants) {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${LOCAL_API_KEY}`, ...extra },
      body: JSON.stringify({
        model: LOCAL_MODEL,
        messages: [{ role: "user", content: "Write one sentence about routing." }],
        max_tokens: 24,
      }),
    });
    await res.arrayBuffer();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string", default: join(repoRoot, "docs") } } });
  const out = resolve(values.out!);
  await mkdir(out, { recursive: true });
  const state = await mkdtemp(join(tmpdir(), "console-screenshots-"));
  const stack = await startLocalStack({
    repoRoot,
    stateRoot: state,
    runtimes: 2,
    port: 0,
    logger: pino({ level: "warn" }),
  });
  const browser = await launchChromium();
  try {
    const { page } = await openConsole(browser, stack.url, stack.adminKey, DESKTOP);
    // The dashboard first, so its live feed is open while traffic arrives.
    await goTo(page, "Dashboard");
    await traffic(stack.url);
    await sendPrompt(page, "Hello", { stream: true });
    await sendSideBySide(page, "In one sentence: why route between clusters and external APIs?", [
      "local-dev-cpu",
      "local-dev2-cpu",
    ]);
    await page.getByRole("button", { name: "Send" }).focus();
    await page.screenshot({ path: join(out, "console-playground.png") });
    await goTo(page, "Dashboard");
    await page.locator(".chart canvas").first().waitFor();
    await page.getByRole("table", { name: "Targets" }).getByRole("rowheader").first().waitFor();
    await page.waitForTimeout(500); // charts settle after their first resize
    await page.screenshot({ path: join(out, "console-dashboard.png"), fullPage: true });
    console.log(`screenshots: ${join(out, "console-playground.png")} ${join(out, "console-dashboard.png")}`);
  } finally {
    await browser.close();
    await stack.close();
    await rm(state, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

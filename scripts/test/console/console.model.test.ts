/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
// The console in a real browser (playwright-core + Debian's Chromium) against the local stack:
// generated model, one runtime, the router with tenant `local` and a generated admin key.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { Browser, Page } from "playwright-core";
import { LOCAL_API_KEY, type LocalStack, startLocalStack } from "../../src/local-stack/stack.js";
import {
  goTo,
  launchChromium,
  mintKey,
  openConsole,
  PHONE,
  sendPrompt,
} from "../../src/screenshots/console-driver.js";

/** Test artifacts, never tracked files. */
const SHOTS = join(process.cwd(), ".cache/console");
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const chat = (url: string, key: string, requestId?: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${key}`,
      ...(requestId ? { "x-request-id": requestId } : {}),
    },
    body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "Hello" }], max_tokens: 4 }),
  });

describe("console (GET /ui) in Chromium against the local stack", () => {
  let root: string;
  let stack: LocalStack;
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    root = await mkdtemp(join(tmpdir(), "console-stack-"));
    stack = await startLocalStack({
      repoRoot: process.cwd(),
      stateRoot: root,
      runtimes: 1,
      port: 0,
      logger: pino({ level: "silent" }),
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("logs in with local-dev-key and shows each answer's target, reason and cost", async () => {
    const { page, context } = await openConsole(browser, stack.url, LOCAL_API_KEY);
    try {
      // A plain API key (role user) has the playground and its own tenant's dashboard; no keys page.
      const nav = page.getByRole("navigation", { name: "Pages" });
      expect(await nav.getByRole("link").allTextContents()).toEqual(["Playground", "Dashboard"]);
      const plain = await sendPrompt(page, "Say hello", { stream: false });
      expect(plain.target).toBe("local-dev-cpu");
      expect(plain.reason).toBe("cluster_under_threshold");
      expect(plain.cost).toMatch(/^\$\d/); // x-router-cost-usd of a non-streamed answer
      expect(plain.tokens).toMatch(/\d+ in \/ \d+ out/);
      const streamed = await sendPrompt(page, "Say hello again", { stream: true });
      expect(streamed.target).toBe("local-dev-cpu");
      expect(streamed.reason).toBe("cluster_under_threshold");
      expect(streamed.tokens).toMatch(/\d+ in \/ \d+ out/); // stream_options.include_usage
      // No header can carry a stream's cost: it comes from the request's decision event.
      await expectText(page.locator("[data-field=cost]"), /^\$\d.*decision event/);
      await shot(page, "playground");
    } finally {
      await context.close();
    }
  });

  it("refuses an unknown key and keeps the key out of the URL", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${stack.url}/ui`);
      await page.getByLabel("API key or admin key").fill("sk-not-a-key-0123456789");
      await page.getByRole("button", { name: "Log in" }).click();
      await expectText(page.getByRole("alert"), /not accepted/);
      expect(page.url()).not.toContain("sk-not");
    } finally {
      await context.close();
    }
  });

  it("shows the admin's dashboard: targets from /health, usage charts, budgets; fits a phone", async () => {
    const { page, context } = await openConsole(browser, stack.url, stack.adminKey);
    try {
      expect((await chat(stack.url, LOCAL_API_KEY)).status).toBe(200);
      await goTo(page, "Dashboard");
      const targets = page.getByRole("table", { name: "Targets" });
      await targets.getByRole("rowheader", { name: "local-dev-cpu" }).waitFor();
      await page
        .getByRole("table", { name: "Budgets per tenant and key" })
        .getByRole("rowheader", { name: "local", exact: true })
        .waitFor();
      await page.locator(".chart canvas").first().waitFor();
      await shot(page, "dashboard");
      // Phone width: the page itself never scrolls sideways (wide tables scroll in their own box).
      await page.setViewportSize(PHONE);
      expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, "dashboard-phone");
      await goTo(page, "Playground");
      await shot(page, "playground-phone");
    } finally {
      await context.close();
    }
  });

  it("shows a finished request in the admin's live decision feed", async () => {
    const { page, context } = await openConsole(browser, stack.url, stack.adminKey);
    try {
      await goTo(page, "Dashboard");
      await expectText(
        page
          .getByRole("status")
          .filter({ hasText: /live|unavailable/ })
          .first(),
        /live/,
      );
      const id = `console-test-${Date.now()}`;
      expect((await chat(stack.url, LOCAL_API_KEY, id)).status).toBe(200);
      const row = page.locator(`tr[data-request-id="${id}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.textContent()).toContain("local-dev-cpu");
      await shot(page, "dashboard-feed");
    } finally {
      await context.close();
    }
  });

  it("mints a key that works through the API, then revokes it and the API refuses it", async () => {
    const { page, context } = await openConsole(browser, stack.url, stack.adminKey);
    try {
      const key = await mintKey(page, "browser-test");
      expect(key.length).toBeGreaterThanOrEqual(16);
      await shot(page, "keys-minted");
      expect((await chat(stack.url, key)).status).toBe(200);
      expect(await pageOverflow(page)).toBeLessThanOrEqual(0); // the keys table scrolls in its card at 1280 px
      await page.getByRole("button", { name: "Done" }).click();
      const row = page.getByRole("row").filter({ hasText: "browser-test" });
      await row.getByRole("button", { name: /Revoke/ }).click();
      await expectText(page.getByRole("status").filter({ hasText: /^Revoke/ }), /done/);
      expect((await chat(stack.url, key)).status).toBe(401);
      // The provider test reaches the runtime without charging anyone.
      const provider = page
        .getByRole("table", { name: "Providers" })
        .getByRole("row")
        .filter({ hasText: "local-dev-cpu" });
      await provider.getByRole("button", { name: /Test/ }).click();
      await expectText(provider.getByRole("status"), /^(ok|failed)/);
      expect(await provider.getByRole("status").textContent()).toMatch(/^ok/);
      await shot(page, "keys");
      await page.setViewportSize(PHONE);
      expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, "keys-phone");
    } finally {
      await context.close();
    }
  });
});

/** How far the page scrolls sideways (0 or less: not at all). */
const pageOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Waits (up to 15 s) until the locator's text matches. */
async function expectText(loc: import("playwright-core").Locator, re: RegExp): Promise<void> {
  const deadline = Date.now() + 15_000;
  let text = "";
  while (Date.now() < deadline) {
    text = (await loc.textContent().catch(() => "")) ?? "";
    if (re.test(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${re} in ${JSON.stringify(text)}`);
}

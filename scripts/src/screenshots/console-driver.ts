/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
// Drives the router console (GET /ui) with playwright-core and Debian's Chromium: shared by the
// browser test (scripts/test/console) and `pnpm screenshots`, so both exercise the same steps.
// (DOM types: the waitForFunction callbacks run in the page.)
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's chromium package (scripts/setup-debian.sh); no browser download. `CHROMIUM_PATH` overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
}

/** Opens `<router>/ui` in a fresh context and logs in with `key`; resolves once the pages' nav shows. */
export async function openConsole(
  browser: Browser,
  routerUrl: string,
  key: string,
  viewport = DESKTOP,
): Promise<ConsolePage> {
  // Light scheme and a fixed locale/time zone: screenshots do not depend on the machine.
  const context = await browser.newContext({
    viewport,
    colorScheme: "light",
    locale: "en-US",
    timezoneId: "UTC",
  });
  const page = await context.newPage();
  page.on("dialog", (d) => void d.accept()); // revoke asks for confirmation
  await page.goto(`${routerUrl}/ui`);
  await page.getByLabel("API key or admin key").fill(key);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("navigation", { name: "Pages" }).waitFor();
  return { page, context };
}

export async function goTo(page: Page, name: "Playground" | "Dashboard" | "Keys & tenants"): Promise<void> {
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name }).click();
}

export interface AnswerFields {
  target: string;
  reason: string;
  cost: string;
  tokens: string;
  text: string;
}

/** Types `prompt` into the playground, sends it and waits for the answer's routing details. */
export async function sendPrompt(
  page: Page,
  prompt: string,
  opts: { stream: boolean },
): Promise<AnswerFields> {
  await goTo(page, "Playground");
  const stream = page.getByRole("checkbox", { name: "Stream" });
  if ((await stream.isChecked()) !== opts.stream) await stream.click();
  await page.getByRole("textbox", { name: "Prompt" }).fill(prompt);
  const answer = page.getByRole("region", { name: "Answer", exact: true });
  const field = async (name: string) => (await answer.locator(`[data-field=${name}]`).textContent()) ?? "";
  // A previous answer stays on the page until this one replaces it: wait for a new request id.
  const before = (await answer.count()) > 0 ? await field("request-id").catch(() => "") : "";
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(
    (prev) => {
      const id = document.querySelector("[data-field=request-id]")?.textContent;
      return !!id && id !== prev && document.querySelector("[aria-busy=true]") === null;
    },
    before,
    { timeout: 60_000 },
  );
  const error = answer.getByRole("alert");
  if ((await error.count()) > 0)
    throw new Error(`the playground shows an error: ${await error.textContent()}`);
  return {
    target: await field("target"),
    reason: await field("reason"),
    cost: await field("cost"),
    tokens: await field("tokens"),
    text: (await answer.locator(".answer-text").textContent()) ?? "",
  };
}

/** Mints a key for `tenant` on the Keys page; returns the secret shown once. */
export async function mintKey(page: Page, name: string): Promise<string> {
  await goTo(page, "Keys & tenants");
  const form = page.getByRole("form", { name: "Mint a key" });
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Mint key" }).click();
  const secret = page.getByRole("textbox", { name: "New key" });
  await secret.waitFor();
  return secret.inputValue();
}

/** Side-by-side mode: one prompt to two pinned targets; resolves when both answers are in. */
export async function sendSideBySide(page: Page, prompt: string, targets: [string, string]): Promise<void> {
  await goTo(page, "Playground");
  const side = page.getByRole("checkbox", { name: "Side by side" });
  if (!(await side.isChecked())) await side.click();
  const stream = page.getByRole("checkbox", { name: "Stream" });
  if (await stream.isChecked()) await stream.click(); // non-streamed answers carry x-router-cost-usd
  await page.getByRole("combobox", { name: "Target A" }).selectOption(targets[0]);
  await page.getByRole("combobox", { name: "Target B" }).selectOption(targets[1]);
  await page.getByRole("textbox", { name: "Prompt" }).fill(prompt);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(
    () =>
      document.querySelectorAll("[data-field=request-id]").length === 2 &&
      document.querySelector("[aria-busy=true]") === null,
    undefined,
    { timeout: 60_000 },
  );
}

import { ensureModel } from "@llm/gguf";
import pino from "pino";

/** The generated tiny llama model (< 2 MB, random weights): assert on shapes and counts, never text. */
export function tinyModel(): Promise<string> {
  return ensureModel("tiny");
}

export const silentLogger = pino({ level: "silent" });

/** Polls `check` every 20 ms until it returns true; false after `ms`. Bounded, never a timed assert. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/** Parses one metric sample (`name{labels} value`) out of Prometheus text; 0 when absent. */
export function metricValue(text: string, name: string, labels = ""): number {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const [key, value] = line.split(" ");
    if (key === `${name}${labels ? `{${labels}}` : ""}`) return Number(value);
  }
  return 0;
}

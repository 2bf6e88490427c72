import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { parseConfig } from "../src/config/load.js";
import type { ExporterConfigInput } from "../src/config/schema.js";
import { createExporter, type Exporter } from "../src/exporter.js";
import { parsePromText, type Sample } from "../src/scrape/prom-text.js";

/** An exporter driven by hand: a fake clock, refresh() on demand, its app on 127.0.0.1:0. */
export interface Harness {
  exporter: Exporter;
  url: string;
  clock: { ms: number };
  refresh(): Promise<void>;
  metrics(): Promise<{
    text: string;
    samples: Sample[];
    value: (name: string, labels?: Record<string, string>) => number | undefined;
  }>;
  close(): Promise<void>;
}

export async function harness(config: ExporterConfigInput): Promise<Harness> {
  const clock = { ms: 1_700_000_000_000 };
  const exporter = createExporter({
    config: parseConfig(config),
    logger: pino({ level: "silent" }),
    now: () => clock.ms,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = exporter.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    exporter,
    url,
    clock,
    refresh: () => exporter.collector.refresh(),
    async metrics() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const samples = parsePromText(text);
      const value = (name: string, labels: Record<string, string> = {}) =>
        samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
          ?.value;
      return { text, samples, value };
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await exporter.close();
    },
  };
}

import { parseArgs } from "node:util";
import { setupTelemetry } from "@llm/telemetry";
import ms from "ms";
import { ConfigError } from "./config/errors.js";
import { loadConfigFile } from "./config/load.js";
import { startRouter } from "./server.js";

const USAGE =
  "usage: pnpm router --config <router.yaml> [--host <addr>] [--port <n>]  (PORT env overrides the port)";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: "string", short: "c" },
      host: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const path = values.config ?? process.env.ROUTER_CONFIG;
  if (!path) throw new ConfigError(`--config is required\n${USAGE}`);
  const config = await loadConfigFile(path);
  const portText = values.port ?? process.env.PORT;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new ConfigError(`--port/PORT must be an integer 0-65535, got "${portText}"`);

  const drainMs = drainDelayMs(process.env.ROUTER_DRAIN_DELAY);

  // OpenTelemetry: off (and free) unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const telemetry = await setupTelemetry({ serviceName: "llm-router" });
  // startRouter composes tenants, limits, budgets, usage ledger and the admin API from the config.
  const running = await startRouter({
    config,
    configPath: path,
    host: values.host,
    port,
    tracing: telemetry.enabled,
  });
  running.router.logger.info(
    { url: running.url, targets: running.router.targets().map((t) => t.name) },
    "router listening",
  );
  console.log(`router ready on ${running.url}`);
  const stop = async (signal: string) => {
    running.router.logger.info({ signal, drainMs }, "shutting down");
    // Readiness fails first; the listener stays open until load balancers have seen that.
    running.router.drain();
    if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
    await running.close();
    await telemetry.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});

/** `ROUTER_DRAIN_DELAY` (`5s`, `500ms`, or milliseconds): how long SIGTERM keeps serving while unready. */
function drainDelayMs(text: string | undefined): number {
  if (text === undefined || text === "") return 0;
  const value = /^\d+$/.test(text) ? Number(text) : ms(text as ms.StringValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 300_000)
    throw new ConfigError(`ROUTER_DRAIN_DELAY must be a duration of at most 5m (e.g. 5s), got "${text}"`);
  return value;
}

import { parseArgs } from "node:util";
import pino from "pino";
import { ConfigError, loadConfig } from "./config/load.js";
import { startExporter } from "./server.js";

const usage = `usage: pnpm exporter --config <file.yaml>

Env overrides: EXPORTER_HOST, EXPORTER_PORT, EXPORTER_CLUSTER, EXPORTER_REFRESH_INTERVAL_SECONDS,
EXPORTER_LOG_LEVEL, EXPORTER_KUBE_API_SERVER, EXPORTER_KUBE_TOKEN, EXPORTER_KUBE_ENABLED.
The config file may also come from EXPORTER_CONFIG.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const file = values.config ?? process.env.EXPORTER_CONFIG;
  if (!file) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, name: "llm-exporter" });
  const running = await startExporter({ config, logger });
  logger.info({ url: running.url, pools: config.pools.map((p) => p.name) }, "exporter listening");
  const stop = () => {
    logger.info("shutting down");
    void running.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

await main();

import { parseArgs } from "node:util";
import { setupTelemetry } from "@llm/telemetry";
import { ConfigError, parseServeArgs } from "./config/serve-config.js";
import { createLogger } from "./logging.js";
import { findCatalogModel } from "./model-source/catalog.js";
import { downloadModel } from "./model-source/download.js";
import { serve } from "./server/start.js";

const usage = `usage:
  runtime serve --model <path|catalog-name> [--port 8080] [--host 127.0.0.1] [--parallel 2] [--threads n]
                [--ctx-size n] [--gpu auto|off|cuda|vulkan] [--gpu-layers auto|max|n] [--queue 32]
                [--timeout-ms 120000] [--drain-ms 25000] [--max-body-bytes n] [--batch-size 512]
                [--batching lockstep|engine] [--batch-order sequence|arrival] [--decode-ahead on|off]
                [--model-name name] [--log-level info]
      env: RUNTIME_HMAC_SECRET (comma-separated; unset = auth off), RUNTIME_<FLAG> for every flag
  runtime download <catalog-name|uri> --out <file> [--sha256 <hex>]`;

function fail(message: string, code = 2): never {
  process.stderr.write(`runtime: ${message}\n`);
  process.exit(code);
}

async function serveCommand(argv: string[]): Promise<void> {
  let config: ReturnType<typeof parseServeArgs>;
  try {
    config = parseServeArgs(argv);
  } catch (err) {
    if (err instanceof ConfigError) fail(`${err.message}\n${usage}`);
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // OpenTelemetry: off (and free) unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const telemetry = await setupTelemetry({ serviceName: "llm-runtime" });
  let handle: Awaited<ReturnType<typeof serve>>;
  try {
    handle = await serve(config, { logger });
  } catch (err) {
    logger.fatal({ err: err instanceof Error ? err.message : String(err) }, "start-up failed");
    logger.flush();
    fail(err instanceof Error ? err.message : String(err), 1);
  }
  const info = handle.state.engine?.info;
  // The one stdout line: launchers (local stack, tests) wait for it.
  process.stdout.write(`runtime ready on ${handle.url} model=${info?.model} backend=${info?.backend}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: handle.state.inFlight }, "draining before exit");
    handle.close().then(
      async ({ drained }) => {
        await telemetry.close().catch(() => undefined);
        logger.info({ drained }, "stopped");
        logger.flush();
        process.exit(drained ? 0 : 1);
      },
      (err) => {
        logger.error({ err: String(err) }, "shutdown failed");
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function downloadCommand(argv: string[]): Promise<void> {
  let source: string | undefined;
  let out: string | undefined;
  let sha256: string | undefined;
  // Lax parseArgs tokens, checked in order with this CLI's messages (see parseServeArgs for why).
  const { tokens } = parseArgs({
    args: argv,
    options: { out: { type: "string" }, sha256: { type: "string" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let lastIndex = -1;
  for (const token of tokens) {
    // A short-option group (`-ab`) yields one token per letter, all at the argument's index.
    if (token.index === lastIndex) continue;
    lastIndex = token.index;
    const raw = argv[token.index] as string;
    if (token.kind === "option-terminator") fail(`--: unknown option\n${usage}`);
    if (token.kind === "option" && raw.startsWith("--")) {
      const flag = token.rawName;
      if (token.name !== "out" && token.name !== "sha256") fail(`${flag}: unknown option\n${usage}`);
      if (token.value === undefined || token.value === "") fail(`${flag}: needs a value\n${usage}`);
      if (token.name === "out") out = token.value;
      else sha256 = token.value;
    } else if (source === undefined) source = raw;
    else fail(`${raw}: unexpected argument\n${usage}`);
  }
  if (!source) fail(`<catalog-name|uri>: required\n${usage}`);
  if (!out) fail(`--out: required\n${usage}`);
  let uri = source;
  if (!/^[a-z]+:\/\//.test(source)) {
    const entry = await findCatalogModel(source);
    if (!entry) fail(`${source}: not a catalog model name and not a URI`);
    uri = entry.uri;
    if (sha256 && entry.sha256 && sha256.toLowerCase() !== entry.sha256.toLowerCase()) {
      fail(`--sha256: ${sha256} differs from the catalog's ${entry.sha256} for ${source}`);
    }
    sha256 ??= entry.sha256 ?? undefined;
  }
  const started = Date.now();
  let lastReport = 0;
  try {
    const result = await downloadModel({
      uri,
      sha256,
      out,
      onProgress: (bytes, total) => {
        if (Date.now() - lastReport < 2000) return;
        lastReport = Date.now();
        const pct = total ? ` (${((100 * bytes) / total).toFixed(1)}%)` : "";
        process.stderr.write(`downloading ${out}: ${bytes} bytes${pct}\n`);
      },
    });
    const how = result.alreadyPresent
      ? "already present, hash verified"
      : result.resumedFrom > 0
        ? `resumed from byte ${result.resumedFrom}`
        : "fresh";
    process.stdout.write(
      `downloaded ${result.path} bytes=${result.bytes} sha256=${result.sha256} (${how}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  } catch (err) {
    fail(`download failed: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "serve") return serveCommand(rest);
  if (command === "download") return downloadCommand(rest);
  fail(command ? `unknown command "${command}"\n${usage}` : usage);
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err), 1));

import { parseArgs } from "node:util";
import { setupTelemetry } from "@llm/telemetry";
import { ConfigError, parseServeArgs } from "./config/serve-config.js";
import { createLogger } from "./logging.js";
import { findCatalogModel, presetUri } from "./model-source/catalog.js";
import { downloadModel } from "./model-source/download.js";
import { serve } from "./server/start.js";

const usage = `usage:
  runtime serve --model <path|preset|gen://preset?seed=n|catalog-name> [--port 8080] [--host 127.0.0.1]
                [--parallel 2] [--threads n] [--ctx-size n] [--gpu auto|off|cuda|vulkan] [--gpu-layers auto|max|n]
                [--queue 32] [--timeout-ms 120000|2m] [--drain-ms 25000|25s] [--max-body-bytes n|4mb]
                [--batch-size 512] [--batching lockstep|engine] [--batch-order sequence|arrival]
                [--decode-ahead on|off] [--auth hmac|none] [--model-name name] [--log-level info]
      --gpu cuda|vulkan: the GPU is required (start-up fails, never ready, without it); auto falls back to CPU
      --auth: hmac needs RUNTIME_HMAC_SECRET; unset, a non-loopback --host without a secret is refused
      env: RUNTIME_HMAC_SECRET (comma-separated secrets), RUNTIME_<FLAG> for every flag
  runtime download <catalog-name|preset|uri> --out <file> [--sha256 <hex>]`;

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
    const message = err instanceof Error ? err.message : String(err);
    // The reason is the message itself, so the one line says why (e.g. a required GPU that did not load).
    logger.fatal({ err: message }, `start-up failed: ${message}`);
    logger.flush();
    fail(message, 1);
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
    const preset = entry ? undefined : await presetUri(source);
    if (!entry && !preset) fail(`${source}: not a catalog model name, a generated preset or a URI`);
    uri = entry?.uri ?? (preset as string);
    if (sha256 && entry?.sha256 && sha256.toLowerCase() !== entry.sha256.toLowerCase()) {
      fail(`--sha256: ${sha256} differs from the catalog's ${entry.sha256} for ${source}`);
    }
    sha256 ??= entry?.sha256 ?? undefined;
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

import { isIP } from "node:net";
import { parseArgs } from "node:util";
import bytes from "bytes";
import ms from "ms";
import { z } from "zod";
import { requiresGpu } from "../engine/gpu-requirement.js";
import { defaultThreadCount } from "./threads.js";

/** A decimal integer string, as flags and env carry numbers. */
const INTEGER = /^-?\d+$/;
/** What `bytes` reads as a size with a unit ("4mb", "512 kb"); its fallback (parseInt of anything) is not used. */
const BYTE_SIZE = /^\d+(\.\d+)?\s*(b|kb|mb|gb|tb|pb)$/i;

/**
 * Integer field that accepts a number or a string (flags and env are strings): a decimal integer,
 * or what `parse` turns into a number (a size or a duration); anything else fails with `what`.
 */
function intField(min: number, max: number, what: string, parse?: (text: string) => number | undefined) {
  const message = `must be ${what}`;
  return z.preprocess(
    (v) => {
      if (typeof v !== "string") return v;
      const text = v.trim();
      if (INTEGER.test(text)) return Number(text);
      const parsed = text && parse ? parse(text) : undefined;
      return parsed ?? v;
    },
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message }),
  );
}

/** A byte size with a unit, read by `bytes` ("4mb" = 4 MiB). */
function byteSize(text: string): number | undefined {
  return BYTE_SIZE.test(text) ? (bytes.parse(text) ?? undefined) : undefined;
}

/** A duration with a unit, read by `ms` ("30s", "2m", "1.5h"). */
function duration(text: string): number | undefined {
  return ms(text as ms.StringValue) as number | undefined;
}

const gpuLayers = z.preprocess(
  (v) => (typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v),
  z.union([z.literal("auto"), z.literal("max"), z.number().int().min(0)], {
    error: 'must be "auto", "max" or a non-negative integer',
  }),
);

/**
 * Everything `serve` needs, one field per flag. Keys are the flag names without `--` (camelCase here,
 * kebab-case on the command line) so validation errors can name the flag the operator typed.
 */
export const serveConfigSchema = z
  .object({
    /** Local GGUF path, catalog name (see @llm/models) or `gen://preset?seed=n`. Required. */
    model: z
      .string({ error: "is required (a GGUF path or a catalog name)" })
      .min(1, { error: "is required" }),
    /** Name served in `/v1/models` and responses. Defaults to the catalog name or the file's base name. */
    modelName: z.string().min(1).optional(),
    /** Interface to listen on. Defaults to 127.0.0.1; containers pass 0.0.0.0. */
    host: z.string().min(1).default("127.0.0.1"),
    /** TCP port; 0 picks an ephemeral one. Defaults to 8080. */
    port: intField(0, 65535, "an integer between 0 and 65535").default(8080),
    /** Parallel sequences in the one context, i.e. requests decoded together. Defaults to 2. */
    parallel: intField(1, 64, "a positive integer (at most 64)").default(2),
    /** CPU threads for decoding. Defaults to the cores this process may use (cgroup quota aware). */
    threads: intField(1, 1024, "a positive integer").optional(),
    /** Context tokens per sequence; the context holds ctxSize x parallel. Defaults to min(2048, model's train context). */
    ctxSize: intField(16, 1_048_576, "an integer between 16 and 1048576").optional(),
    /**
     * Compute backend: `auto` picks CUDA/Vulkan when one works and otherwise runs on CPU; `off` forces
     * CPU; `cuda` / `vulkan` require that backend with at least one layer offloaded (start-up fails,
     * the runtime never reports ready, otherwise). Defaults to auto.
     */
    gpu: z
      .enum(["auto", "off", "cuda", "vulkan"], { error: "must be one of auto, off, cuda, vulkan" })
      .default("auto"),
    /** Layers offloaded to the GPU. Defaults to auto (as many as fit). */
    gpuLayers: gpuLayers.default("auto"),
    /** Requests allowed to wait for a free sequence; beyond it the runtime answers 429. Defaults to 32. */
    queue: intField(0, 100_000, "a non-negative integer").default(32),
    /** Per-request deadline (queueing plus generation) in ms, or a duration (`2m`). Defaults to 120000. */
    timeoutMs: intField(
      1,
      3_600_000,
      "a positive integer (milliseconds) or a duration such as 2m",
      duration,
    ).default(120_000),
    /** On SIGTERM, how long (ms, or a duration such as `25s`) in-flight requests may take to finish before they are cut. Defaults to 25000. */
    drainMs: intField(
      0,
      3_600_000,
      "a non-negative integer (milliseconds) or a duration such as 25s",
      duration,
    ).default(25_000),
    /** Largest accepted request body in bytes, or a size (`4mb`); larger bodies get 413. Defaults to 4 MiB. */
    maxBodyBytes: intField(
      1024,
      1 << 30,
      "an integer between 1024 and 1073741824 (bytes) or a size such as 4mb",
      byteSize,
    ).default(bytes.parse("4mb") as number),
    /** Tokens per engine batch (prompt processing chunk). Defaults to 512. */
    batchSize: intField(1, 65_536, "a positive integer").default(512),
    /**
     * How decode steps of concurrent sequences are dispatched: `lockstep` waits until every busy
     * sequence has queued its next token so one batch carries all of them; `engine` keeps
     * node-llama-cpp's next-tick dispatch. Defaults to lockstep.
     */
    batching: z.enum(["lockstep", "engine"], { error: "must be lockstep or engine" }).default("lockstep"),
    /**
     * Order of the sequences inside one engine batch: `sequence` sorts them by sequence id so
     * llama.cpp runs the batch as one micro-batch (multi-token kernels); `arrival` keeps
     * node-llama-cpp's queue order (splits into several single-token passes). Defaults to sequence.
     */
    batchOrder: z.enum(["sequence", "arrival"], { error: "must be sequence or arrival" }).default("sequence"),
    /**
     * `on`: while one sequence generates alone, each sampled token's decode starts at once, before
     * the per-token JavaScript runs (see DecodeAhead). Defaults to on.
     */
    decodeAhead: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
    /** pino level. Defaults to info. */
    logLevel: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
    /**
     * Cluster auth: `hmac` verifies the router's signature with RUNTIME_HMAC_SECRET (required then);
     * `none` serves unauthenticated, on any host. Unset: `hmac` when a secret is set, `none` on a
     * loopback host, and a refusal to start on any other host (see resolveAuth).
     */
    auth: z.enum(["hmac", "none"], { error: "must be hmac or none" }).optional(),
    /** HMAC secrets (rotation: any matches), from RUNTIME_HMAC_SECRET. */
    hmacSecrets: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type ServeConfigInput = z.input<typeof serveConfigSchema>;
export type ServeConfig = Omit<z.output<typeof serveConfigSchema>, "auth"> & {
  threads: number;
  /** Resolved: `hmac` exactly when requests must carry the router's signature. */
  auth: "hmac" | "none";
};

/** Flag spelling of a config key: ctxSize -> --ctx-size. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Env variable read for each key (flags win over env). */
export const envNames: Record<string, string> = Object.fromEntries(
  Object.keys(serveConfigSchema.shape)
    .filter((k) => k !== "hmacSecrets")
    .map((k) => [k, `RUNTIME_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`]),
);

/** Start-up configuration error; its message names the field. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates typed or string input; throws ConfigError naming the flag (e.g. `--parallel: must be a positive integer`). */
export function resolveServeConfig(input: Record<string, unknown>): ServeConfig {
  const result = serveConfigSchema.safeParse(input);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys")
        return issue.keys.map((k) => `${flagName(k)}: unknown option`).join("; ");
      const key = String(issue.path[0] ?? "");
      const field = key === "hmacSecrets" ? "RUNTIME_HMAC_SECRET" : flagName(key);
      return `${field}: ${issue.message}`;
    });
    throw new ConfigError(messages.join("; "));
  }
  const data = result.data;
  const auth = resolveAuth(data.auth, data.hmacSecrets, data.host);
  if (requiresGpu(data.gpu) && data.gpuLayers === 0) {
    throw new ConfigError(
      `--gpu-layers: 0 offloads nothing, but --gpu ${data.gpu} requires layers on the GPU (use --gpu off or auto for CPU)`,
    );
  }
  return { ...data, auth, threads: data.threads ?? defaultThreadCount() };
}

/** True for an address only this machine can reach: `localhost`, 127.0.0.0/8, `::1` (and its IPv4-mapped form). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/**
 * The auth mode to run with. An unauthenticated runtime reachable from the network would accept
 * anyone's requests, so without a secret a non-loopback host needs an explicit `--auth none`.
 */
export function resolveAuth(
  asked: "hmac" | "none" | undefined,
  secrets: readonly string[],
  host: string,
): "hmac" | "none" {
  if (asked === "hmac" && secrets.length === 0)
    throw new ConfigError(
      "--auth hmac: needs RUNTIME_HMAC_SECRET (the router's cluster secret; comma-separated to rotate)",
    );
  if (asked) return asked;
  if (secrets.length > 0) return "hmac";
  if (isLoopbackHost(host)) return "none";
  throw new ConfigError(
    `--host ${host}: refusing to serve without auth on a non-loopback address: set RUNTIME_HMAC_SECRET (the router's cluster secret) or pass --auth none to run unauthenticated on purpose`,
  );
}

/** Comma-separated secrets (rotation) from RUNTIME_HMAC_SECRET; blanks dropped. */
export function secretsFromEnv(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Config key of a flag name: ctx-size -> ctxSize. */
function keyOf(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Parses `serve` arguments (`--key value` or `--key=value`) merged over RUNTIME_* env variables.
 * Unknown flags and bad values throw ConfigError naming the flag.
 */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const values: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const v = env[name];
    if (v !== undefined && v !== "") values[key] = v;
  }
  // parseArgs tokenizes; strict mode stays off because it refuses `--threads -1` as "ambiguous"
  // before the schema can say what the flag takes, and its messages are not the documented ones:
  // the tokens are checked here, in order, with this CLI's own messages.
  const options = Object.fromEntries(
    Object.keys(envNames).map((k) => [flagName(k).slice(2), { type: "string" as const }]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "option-terminator") throw new ConfigError("--: unknown option");
    const raw = argv[token.index] as string;
    if (token.kind === "positional" || !raw.startsWith("--"))
      throw new ConfigError(`${raw}: unexpected argument (flags are --name value)`);
    if (!Object.hasOwn(options, token.name)) throw new ConfigError(`${token.rawName}: unknown option`);
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith("--")))
      throw new ConfigError(`${token.rawName}: needs a value`);
    values[keyOf(token.name)] = token.value;
  }
  // The Helm chart names the served model through LLM_MODEL_NAME.
  if (values.modelName === undefined && env.LLM_MODEL_NAME) values.modelName = env.LLM_MODEL_NAME;
  values.hmacSecrets = secretsFromEnv(env.RUNTIME_HMAC_SECRET);
  return resolveServeConfig(values);
}

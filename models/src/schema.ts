/** Schema of `catalog.yaml`: one entry per servable model. */
import { z } from "zod";

/**
 * Chat templates the runtime knows by name; `auto` uses the template embedded in the GGUF.
 * `qwen2.5` is Qwen2.5-Instruct's (tools in `<tools>`, calls in `<tool_call>`), which `pnpm gen-gguf`
 * embeds by default (packages/gguf/README.md, "Chat templates").
 */
export const CHAT_TEMPLATES = ["zephyr", "llama2", "chatml", "qwen2.5", "auto"] as const;
/** Templates with no tool-call syntax: a model on one of them cannot declare `tools`. */
const TOOLLESS_TEMPLATES: readonly string[] = ["zephyr", "llama2", "chatml"];
/**
 * What a model serves beyond plain chat, as the router routes on it (a request with `tools` needs
 * `tools`, a `response_format` needs `json_schema`): the pool's declared capabilities until its
 * runtime reports its own.
 */
export const MODEL_FEATURES = ["tools", "json_schema", "vision"] as const;
/** Node pools a model is meant for. */
export const POOLS = ["cpu", "gpu"] as const;
/** GGUF quantizations (llama.cpp `ftype` names) the catalog accepts. */
export const QUANTIZATIONS = [
  "F32",
  "F16",
  "BF16",
  "Q8_0",
  "Q6_K",
  "Q5_K_M",
  "Q5_K_S",
  "Q5_0",
  "Q4_K_M",
  "Q4_K_S",
  "Q4_0",
  "Q3_K_M",
  "Q2_K",
] as const;

/** `gen://<preset>?seed=<uint32>`: a model generated locally by gen-gguf. */
const GEN_URI = /^gen:\/\/([a-z0-9][a-z0-9_-]*)(?:\?seed=(\d{1,10}))?$/;

const uri = z.string().refine((u) => /^(https:\/\/[^\s]+|file:\/\/\/[^\s]+)$/.test(u) || GEN_URI.test(u), {
  message: "must be https://..., file:///... or gen://<preset>?seed=<n>",
});

/** One model of the catalog. */
export const CatalogEntrySchema = z
  .object({
    /** Name clients and config use (`model` in OpenAI requests): lowercase, digits, `.`, `_`, `-`. */
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be 1-64 chars of a-z, 0-9, '.', '_' or '-'"),
    /** Where the file comes from: `https://`, `file:///` or `gen://<preset>?seed=<n>`. */
    uri,
    /** Lowercase hex SHA-256 of the file; required unless the model is generated (`gen://`). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be 64 hex chars")
      .optional(),
    /** File size in bytes, when known; lets a downloader check space and progress. */
    sizeBytes: z.number().int().positive().optional(),
    /** Quantization of the weights, e.g. `Q4_K_M`. */
    quantization: z.enum(QUANTIZATIONS),
    /** Context length (tokens) the model was trained for; the runtime's default and cap. */
    contextLength: z.number().int().min(128).max(1_048_576),
    /** Chat template name; `auto` takes the one embedded in the GGUF. */
    chatTemplate: z.enum(CHAT_TEMPLATES),
    /** Node pool the model is meant for. */
    pool: z.enum(POOLS),
    /** Features beyond chat (`tools`, `json_schema`, `vision`); the pool's default `features`. Defaults to none. */
    features: z.array(z.enum(MODEL_FEATURES)).optional(),
    /** One line for humans. */
    description: z.string().min(1, "must not be empty"),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.uri.startsWith("gen://") && m.sha256 === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sha256"],
        message: "is required for downloaded and file models (64 hex chars)",
      });
    }
    if (m.features?.includes("tools") && TOOLLESS_TEMPLATES.includes(m.chatTemplate)) {
      ctx.addIssue({
        code: "custom",
        path: ["features"],
        message: `tools needs a chat template with tool calls (qwen2.5 or auto), not ${m.chatTemplate}`,
      });
    }
    const seed = GEN_URI.exec(m.uri)?.[2];
    if (seed !== undefined && Number(seed) > 0xffffffff) {
      ctx.addIssue({ code: "custom", path: ["uri"], message: "seed must be at most 4294967295" });
    }
  });

export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/** The whole catalog file. */
export const CatalogSchema = z
  .object({
    /** Format version of the file; only 1 exists. */
    version: z.literal(1),
    models: z.array(CatalogEntrySchema).min(1, "must list at least one model"),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.models.forEach((m, i) => {
      const first = seen.get(m.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["models", i, "name"],
          message: `duplicate name ${m.name} (also models[${first}])`,
        });
      } else seen.set(m.name, i);
    });
  });

export type Catalog = z.infer<typeof CatalogSchema>;

/** Where a model's bytes come from, parsed from its `uri`. */
export type ModelSource =
  | { kind: "https"; url: string }
  | { kind: "file"; path: string }
  | { kind: "gen"; preset: string; seed: number };

/** Parses a catalog `uri`; `gen://` seeds default to 1. */
export function parseModelUri(u: string): ModelSource {
  const gen = GEN_URI.exec(u);
  if (gen) return { kind: "gen", preset: gen[1]!, seed: gen[2] === undefined ? 1 : Number(gen[2]) };
  if (u.startsWith("https://")) return { kind: "https", url: u };
  if (u.startsWith("file:///")) return { kind: "file", path: decodeURIComponent(new URL(u).pathname) };
  throw new Error(`uri: ${u} must be https://..., file:///... or gen://<preset>?seed=<n>`);
}

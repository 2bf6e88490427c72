/**
 * CLI: `pnpm gen-gguf --out <file> [--preset tiny|tiny-q8_0|tiny-q4_0|tinyllama-q8_0|tinyllama-q4_0]
 * [--seed N] [--layers N] [--embedding N] [--heads N] [--kv-heads N] [--ffn N] [--context N]
 * [--vocab N] [--type F32|Q8_0|Q4_0] [--template qwen|zephyr]`. Prints the path and size of the
 * written file.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { generateGguf } from "./generate.js";
import { DEFAULT_PRESET, DEFAULT_SEED, PRESET_NAMES, PRESETS } from "./presets.js";
import { CHAT_TEMPLATES, DEFAULT_TEMPLATE, TEMPLATE_NAMES } from "./templates/chat-template.js";

const count = z.coerce.number().int().positive().optional();
const Flags = z
  .object({
    out: z.string().min(1, "is required: the file to write"),
    preset: z.enum(PRESET_NAMES).default(DEFAULT_PRESET),
    seed: z.coerce.number().int().min(0).max(0xffffffff).default(DEFAULT_SEED),
    layers: count,
    embedding: count,
    heads: count,
    "kv-heads": count,
    ffn: count,
    context: count,
    vocab: count,
    type: z.enum(["F32", "Q8_0", "Q4_0"]).optional(),
    template: z.enum(TEMPLATE_NAMES).default(DEFAULT_TEMPLATE),
    help: z.boolean().optional(),
  })
  .strict();

const USAGE = `usage: pnpm gen-gguf --out <file> [--preset NAME] [--seed N] [--template NAME] [shape overrides]

presets:
${Object.entries(PRESETS)
  .map(([name, p]) => `  ${name.padEnd(16)} ${p.description}`)
  .join("\n")}

templates (chat template and its special tokens):
${Object.entries(CHAT_TEMPLATES)
  .map(([name, t]) => `  ${name.padEnd(16)} ${t.description}`)
  .join("\n")}

shape overrides: --layers --embedding --heads --kv-heads --ffn --context --vocab --type F32|Q8_0|Q4_0`;

async function main(argv: string[]): Promise<void> {
  const str = { type: "string" } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      out: str,
      preset: str,
      seed: str,
      layers: str,
      embedding: str,
      heads: str,
      "kv-heads": str,
      ffn: str,
      context: str,
      vocab: str,
      type: str,
      template: str,
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `--${i.path.join(".") || "?"}: ${i.message}`);
    throw new Error(`${lines.join("\n")}\n\n${USAGE}`);
  }
  const f = parsed.data;
  const shape = Object.fromEntries(
    Object.entries({
      layers: f.layers,
      embedding: f.embedding,
      heads: f.heads,
      kvHeads: f["kv-heads"],
      ffn: f.ffn,
      context: f.context,
      vocab: f.vocab,
    }).filter(([, v]) => v !== undefined),
  );
  const started = performance.now();
  const model = await generateGguf({
    out: f.out,
    preset: f.preset,
    seed: f.seed,
    shape,
    matrixType: f.type,
    template: f.template,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `${model.path} ${model.bytes} bytes (${(model.bytes / 2 ** 20).toFixed(1)} MiB) in ${seconds}s`,
  );
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`gen-gguf: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

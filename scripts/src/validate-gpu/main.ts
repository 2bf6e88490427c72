import { parseOptions, UsageError, usage } from "./args.js";
import { exitCode, formatTable } from "./report.js";
import { validateGpu } from "./run.js";

/** CLI entry: `pnpm validate-gpu [flags]`; prints progress to stderr and the table to stdout. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return 0;
  }
  let opts: ReturnType<typeof parseOptions>;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage}`);
      return 2;
    }
    throw err;
  }
  const results = await validateGpu({ opts, env: process.env, log: (line) => console.error(line) });
  console.log(formatTable(results));
  return exitCode(results);
}

process.exitCode = await main(process.argv.slice(2));

import { runRouterConfig, USAGE } from "./run.js";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
runRouterConfig(argv)
  .then((r) => {
    // Names and endpoints only: secrets stay in the file.
    console.log(`wrote ${r.out} (mode 0600) with ${r.targets.length} cluster target(s):`);
    for (const c of r.config.clusters) console.log(`  ${c.name}  ${c.endpoint}  auth=${c.authType}`);
  })
  .catch((err: Error) => {
    console.error(err.message);
    process.exit(2);
  });

import { parseArgs } from "node:util";
import { formatRows, runHybridRoutingCheck } from "./run.js";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    model: { type: "string" },
    "api-key": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: pnpm test-hybrid-routing [--url http://127.0.0.1:8080] [--model <name>] [--api-key <key>]\n" +
      "  ROUTER_URL and ROUTER_API_KEY are the defaults of --url and --api-key (the local stack's key is local-dev-key).",
  );
  process.exit(0);
}
const url = values.url ?? process.env.ROUTER_URL ?? "http://127.0.0.1:8080";
const apiKey = values["api-key"] ?? process.env.ROUTER_API_KEY;
runHybridRoutingCheck(url, values.model, apiKey)
  .then((rows) => {
    console.log(formatRows(rows));
    const failed = rows.filter((r) => !r.ok).length;
    console.log(
      failed === 0
        ? `\nall ${rows.length} requests routed as expected`
        : `\n${failed} of ${rows.length} failed`,
    );
    process.exit(failed === 0 ? 0 : 1);
  })
  .catch((err: Error) => {
    console.error(`cannot check ${url}: ${err.message}`);
    process.exit(1);
  });

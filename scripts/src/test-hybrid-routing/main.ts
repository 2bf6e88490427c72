import { parseArgs } from "node:util";
import { formatRows, runHybridRoutingCheck } from "./run.js";

const { values } = parseArgs({
  options: { url: { type: "string" }, model: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log("usage: pnpm test-hybrid-routing [--url http://127.0.0.1:8080] [--model <name>]");
  process.exit(0);
}
const url = values.url ?? process.env.ROUTER_URL ?? "http://127.0.0.1:8080";
runHybridRoutingCheck(url, values.model)
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

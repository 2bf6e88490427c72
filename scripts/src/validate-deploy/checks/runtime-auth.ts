/**
 * runtime-auth: the runtime's start arguments match its auth Secret. With the stack's authMode
 * `hmac` the runtime reads RUNTIME_HMAC_SECRET from a Secret and does not pass `--auth none`;
 * with any other mode it passes `--auth none` (the runtime refuses a non-loopback start without
 * a secret otherwise) and references no HMAC Secret (there is none to mount). Checked for the
 * stack as configured and with authMode flipped.
 */
import type { DeploymentModel } from "../model/types.js";
import { type DeployCheck, skip, verdict } from "./types.js";
import { argValue, envOf, runtimeWorkloads } from "./workloads.js";

function authProblems(m: DeploymentModel): { problems: string[]; count: number } {
  const mode = String(m.outputs.authMode ?? m.config["llm-platform:authMode"] ?? "hmac");
  const problems: string[] = [];
  const runtimes = runtimeWorkloads(m.objects);
  for (const w of runtimes) {
    const rt = `${w.object.obj.kind} ${w.object.namespace}/${w.object.obj.metadata.name}`;
    const secretEnv = envOf(w.container, "RUNTIME_HMAC_SECRET");
    const hasSecret = secretEnv !== undefined && (secretEnv.valueFrom !== undefined || !!secretEnv.value);
    const auth = argValue(w.args, "--auth") ?? envOf(w.container, "RUNTIME_AUTH")?.value;
    const authNone = auth === "none";
    if (mode === "hmac") {
      if (!hasSecret) problems.push(`${rt}: authMode hmac, but the runtime reads no RUNTIME_HMAC_SECRET`);
      if (authNone) problems.push(`${rt}: authMode hmac, but the runtime starts with --auth none`);
    } else {
      if (hasSecret)
        problems.push(`${rt}: authMode ${mode}, but the runtime reads RUNTIME_HMAC_SECRET from a Secret`);
      if (!authNone)
        problems.push(`${rt}: authMode ${mode}, but the runtime does not start with --auth none`);
    }
  }
  return { problems, count: runtimes.length };
}

export const runtimeAuth: DeployCheck = {
  name: "runtime-auth",
  description: "the runtime's start arguments match its auth Secret (--auth none exactly when not hmac)",
  run(m) {
    if (m.program === "global") return skip("the global stack runs no runtime");
    const own = authProblems(m);
    if (own.count === 0)
      return verdict(
        [`no runtime Deployment (a container started with serve --model) is deployed in ${m.mode} mode`],
        "",
      );
    const problems = [...own.problems];
    for (const v of m.variants)
      problems.push(
        ...authProblems(v).problems.map(
          (p) => `with authMode=${String(v.config["llm-platform:authMode"])}: ${p}`,
        ),
      );
    const mode = String(m.outputs.authMode ?? m.config["llm-platform:authMode"] ?? "hmac");
    return verdict(
      problems,
      `${own.count} runtime(s) match authMode ${mode}${m.variants.length ? " (and the flipped mode)" : ""}`,
    );
  },
};

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fakeKubectlDir } from "@llm/testing";
import { parseOptions } from "../../src/validate-gpu/args.js";
import { kubeconfigProblem } from "../../src/validate-gpu/kubeconfig.js";
import { validateGpu } from "../../src/validate-gpu/run.js";

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `validate-gpu-${name}-`));

/** The process env without anything that points kubectl at a cluster. */
function bareEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.KUBECONFIG;
  delete env.KUBERNETES_SERVICE_HOST;
  return env;
}

function kubeconfig(body: string): string {
  const file = join(tmp("kubeconfig"), "config");
  writeFileSync(file, body);
  return file;
}

const WITH_CONTEXTS =
  "apiVersion: v1\nkind: Config\ncurrent-context: gke-dev\ncontexts:\n  - name: gke-dev\n    context: {cluster: c, user: u}\n";

describe("validate-gpu without a kubeconfig", () => {
  it("stops before calling kubectl and names KUBECONFIG and --context", async () => {
    const stateDir = tmp("state");
    const results = await validateGpu({
      opts: parseOptions(["--poll-ms", "20"]),
      env: {
        ...bareEnv(tmp("home")),
        PATH: `${fakeKubectlDir}${delimiter}${process.env.PATH}`,
        FAKE_KUBECTL_SCENARIO: "all-pass",
        FAKE_KUBECTL_STATE: stateDir,
      },
      log: () => {},
    });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: "kubeconfig", status: "fail" });
    expect(results[0]?.detail).toMatch(/KUBECONFIG is unset and .*\.kube\/config does not exist/);
    expect(results[0]?.detail).toContain("localhost:8080");
    expect(results[0]?.detail).toContain("--context");
    expect(existsSync(join(stateDir, "calls.log"))).toBe(false); // kubectl never ran
  });

  it("says so for a KUBECONFIG that names no existing file", () => {
    const env = { ...bareEnv(tmp("home")), KUBECONFIG: "/nonexistent/a.yaml" };
    expect(kubeconfigProblem(env, undefined)).toMatch(
      /KUBECONFIG=\/nonexistent\/a.yaml names no existing file/,
    );
  });

  it("says so for a kubeconfig without a current context, or a --context it does not define", () => {
    const noCurrent = kubeconfig("apiVersion: v1\nkind: Config\ncontexts:\n  - name: a\n  - name: b\n");
    const env = { ...bareEnv(tmp("home")), KUBECONFIG: noCurrent };
    expect(kubeconfigProblem(env, undefined)).toMatch(
      /sets no current context \(contexts: a, b\): pass --context/,
    );
    expect(kubeconfigProblem(env, "b")).toBeUndefined();
    const good = { ...bareEnv(tmp("home")), KUBECONFIG: kubeconfig(WITH_CONTEXTS) };
    expect(kubeconfigProblem(good, "eks-prod")).toMatch(
      /context "eks-prod" is not in kubeconfig .*\(contexts: gke-dev\)/,
    );
  });

  it("accepts ~/.kube/config, a merged KUBECONFIG list, and in-cluster service accounts", () => {
    const home = tmp("home");
    mkdirSync(join(home, ".kube"));
    writeFileSync(join(home, ".kube", "config"), WITH_CONTEXTS);
    expect(kubeconfigProblem(bareEnv(home), undefined)).toBeUndefined();
    const merged = [
      "/nonexistent/first.yaml",
      kubeconfig("apiVersion: v1\nkind: Config\ncontexts: []\n"),
      kubeconfig(WITH_CONTEXTS),
    ].join(delimiter);
    expect(kubeconfigProblem({ ...bareEnv(tmp("home")), KUBECONFIG: merged }, undefined)).toBeUndefined();
    expect(
      kubeconfigProblem({ ...bareEnv(tmp("home")), KUBERNETES_SERVICE_HOST: "10.0.0.1" }, undefined),
    ).toBeUndefined();
  });
});

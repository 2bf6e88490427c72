import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { loadConfig, parseConfig } from "../../src/config/load.js";

const root = process.cwd();
const helm = resolve(root, ".tools/bin/helm");
const chart = resolve(root, "charts/exporters");
const valueFiles = ["", ...readdirSync(resolve(chart, "ci")).filter((f) => f.endsWith("-values.yaml"))];

/** The config.yaml the chart renders into its ConfigMap for one values file. */
function renderedConfig(valuesFile: string): unknown {
  const args = ["template", "exporters", chart, "--namespace", "llm"];
  if (valuesFile) args.push("-f", resolve(chart, "ci", valuesFile));
  const docs = parseAllDocuments(execFileSync(helm, args, { encoding: "utf8" })).map((d) => d.toJS());
  const cm = docs.find((d) => d?.kind === "ConfigMap");
  return parseYaml(cm.data["config.yaml"]);
}

describe("charts/exporters renders a config the exporter accepts", () => {
  if (!existsSync(helm)) {
    it("needs helm (pnpm tools)", () => {
      console.warn("helm missing at .tools/bin/helm; run `pnpm tools`");
      expect(existsSync(resolve(root, "charts/exporters/values.yaml"))).toBe(true);
    });
    return;
  }
  it.each(valueFiles.map((f) => [f || "defaults", f]))("values: %s", (_label, file) => {
    const cfg = parseConfig(renderedConfig(file));
    expect(cfg.pools.length).toBeGreaterThan(0);
    for (const pool of cfg.pools) if (pool.runtime?.podSelector) expect(pool.runtime.namespace).toBeTruthy();
  });

  it("defaults the runtime namespace to the release namespace and selects llm-runtime pods on port 8000", () => {
    const cfg = parseConfig(renderedConfig(""));
    expect(cfg.pools.map((p) => p.name)).toEqual(["cpu", "gpu"]);
    expect(cfg.pools[1]?.runtime).toMatchObject({
      namespace: "llm",
      port: 8000,
      podSelector: { "app.kubernetes.io/name": "llm-runtime", "llm.platform/pool": "gpu" },
    });
    expect(cfg.nodePoolLabel).toBe("llm.platform/pool");
  });
});

describe("exporters/examples", () => {
  it("local.yaml is a valid config", () => {
    const cfg = loadConfig(resolve(root, "exporters/examples/local.yaml"), {});
    expect(cfg.kubernetes.enabled).toBe(false);
    expect(cfg.pools[0]?.runtime?.urls).toHaveLength(1);
  });
});

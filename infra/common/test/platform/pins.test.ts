import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import {
  clusterAutoscalerImages,
  clusterAutoscalerImageTag,
  platformCharts,
  platformChartValues,
  REPO_ROOT,
} from "../../src/index.js";

interface Pin {
  kind: "chart" | "image";
  name: string;
  version: string;
  source: string;
  date: string;
}
const pins = (parse(readFileSync(path.join(REPO_ROOT, "infra", "pins.yaml"), "utf8")) as { pins: Pin[] })
  .pins;

describe("infra/pins.yaml", () => {
  it.each(Object.entries(platformCharts))(
    "records the %s chart version Pulumi installs, with a source and a date",
    (_k, c) => {
      const entry = pins.find((p) => p.kind === "chart" && p.name === c.chart && p.version === c.version);
      expect([c.chart, entry?.source]).toEqual([c.chart, expect.stringMatching(/^https:\/\//)]);
      expect(entry?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    },
  );

  it.each(Object.entries(clusterAutoscalerImages))(
    "records the cluster-autoscaler image for Kubernetes %s",
    (_minor, tag) => {
      expect(
        pins.some(
          (p) =>
            p.kind === "image" &&
            p.name === "registry.k8s.io/autoscaling/cluster-autoscaler" &&
            p.version === tag,
        ),
      ).toBe(true);
    },
  );

  it("never pins cert-manager v1.21.2 (not a tag of cert-manager/cert-manager)", () => {
    expect(platformCharts.certManager.version).not.toBe("v1.21.2");
  });
});

describe("cluster-autoscaler image", () => {
  it("follows the control plane's Kubernetes minor, and refuses a minor nothing is pinned for", () => {
    expect(clusterAutoscalerImageTag("1.34")).toBe("v1.34.5");
    expect(() => clusterAutoscalerImageTag("1.29")).toThrow(
      /llm-platform:kubernetesVersion: no pinned cluster-autoscaler/,
    );
  });
});

describe("charts/platform (Argo CD mode) and Pulumi (helm mode)", () => {
  it.each(["aws", "gcp", "azure"] as const)(
    "install the same chart versions from the same repositories on %s",
    (cloud) => {
      const components = platformChartValues(cloud).components as Record<
        string,
        { chart: string; version: string; repoURL: string }
      >;
      for (const [key, c] of Object.entries(components)) {
        const ours = platformCharts[key as keyof typeof platformCharts];
        expect([key, ours && { chart: ours.chart, version: ours.version, repo: ours.repo }]).toEqual([
          key,
          { chart: c.chart, version: String(c.version), repo: c.repoURL },
        ]);
      }
    },
  );
});

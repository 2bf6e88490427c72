import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FakeKubeApi } from "@llm/testing";
import { harness } from "../helpers.js";

const fixtures = resolve(process.cwd(), "exporters/test/fixtures");
const tls = {
  key: readFileSync(join(fixtures, "test-only-apiserver.key"), "utf8"),
  cert: readFileSync(join(fixtures, "test-only-apiserver.crt"), "utf8"),
};

describe("in-cluster credentials", () => {
  it("trusts the service-account CA over https and re-reads the rotated token file on each refresh", async () => {
    const dir = mkdtempSync(join(tmpdir(), "exporter-sa-"));
    const tokenFile = join(dir, "token");
    const caFile = join(dir, "ca.crt");
    writeFileSync(caFile, tls.cert);
    writeFileSync(tokenFile, "first-token\n");
    const api = await new FakeKubeApi("first-token", tls).start();
    api.nodes = [
      {
        name: "cpu-a",
        labels: { "llm.platform/pool": "cpu", "node.kubernetes.io/instance-type": "e2-standard-4" },
      },
    ];
    const h = await harness({
      kubernetes: { apiServer: api.url, tokenFile, caFile },
      pools: [{ name: "cpu" }],
    });
    try {
      await h.refresh();
      let m = await h.metrics();
      expect(m.value("llm_cluster_cost_per_hour", { pool: "cpu" })).toBeCloseTo(0.134012, 9);
      // The default node selector is the Pulumi pools' label.
      expect(api.seen[0]).toMatchObject({ path: "/api/v1/nodes", labelSelector: "llm.platform/pool=cpu" });

      // The kubelet rotates the projected token: the next refresh must send the new one.
      api.token = "second-token";
      writeFileSync(tokenFile, "second-token\n");
      await h.refresh();
      m = await h.metrics();
      expect(api.seen.map((r) => r.authorization)).toEqual(["Bearer first-token", "Bearer second-token"]);
      expect(m.value("llm_cluster_exporter_errors_total", { source: "nodes" })).toBe(0);
    } finally {
      await h.close();
      await api.close();
    }
  });
});

import { config } from "../helpers/router.js";

describe("clusters[].endpoints / balancer / loadFactor", () => {
  it("keeps a config with only `endpoint` loading: one replica, prefix, 1.25", () => {
    const c = config({ clusters: [{ name: "a", endpoint: "http://a:8000" }] }).clusters[0];
    expect(c).toMatchObject({
      endpoint: "http://a:8000",
      endpoints: ["http://a:8000"],
      balancer: "prefix",
      loadFactor: 1.25,
    });
  });

  it("fills `endpoint` from the first of `endpoints`", () => {
    const c = config({
      clusters: [{ name: "a", endpoints: ["http://a1:8000", "http://a2:8000"], balancer: "round-robin" }],
    }).clusters[0];
    expect(c).toMatchObject({
      endpoint: "http://a1:8000",
      endpoints: ["http://a1:8000", "http://a2:8000"],
      balancer: "round-robin",
    });
  });

  it.each([
    [{ name: "a" }, /endpoint/],
    [{ name: "a", endpoints: ["http://a:1", "http://a:1"] }, /endpoints/],
    [{ name: "a", endpoint: "http://a:1", balancer: "random" }, /balancer/],
    [{ name: "a", endpoint: "http://a:1", loadFactor: 1 }, /loadFactor/],
  ])("refuses %j naming the field", (cluster, field) => {
    expect(() => config({ clusters: [cluster] })).toThrow(field);
  });
});

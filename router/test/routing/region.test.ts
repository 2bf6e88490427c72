import { HttpError } from "@llm/contracts";
import { FakeUpstream } from "@llm/testing";
import OpenAI from "openai";
import { createPriceTable } from "../../src/pricing/table.js";
import { planRoute } from "../../src/routing/plan.js";
import { chatProfile } from "../../src/routing/profile.js";
import { parseRegionPreference } from "../../src/routing/region.js";
import { TargetSet } from "../../src/targets/set.js";
import { config, type ErrorJson, listen, planningRegistry, post, silent } from "../helpers/router.js";

/** us-cheap is the cheapest; eu-dear sits in eu-west-1 and costs more; openai has no region. */
const raw = {
  router: { clusterCostThreshold: 0.1, maxRetries: 10 },
  clusters: [
    {
      name: "us-cheap",
      endpoint: "http://10.0.0.1",
      region: "us-east-1",
      models: ["tiny"],
      costPerHour: 0.036,
    },
    {
      name: "eu-dear",
      endpoint: "http://10.0.0.2",
      region: "eu-west-1",
      models: ["tiny"],
      costPerHour: 0.36,
    },
    {
      name: "eu-mid",
      endpoint: "http://10.0.0.3",
      region: "eu-central-1",
      models: ["tiny"],
      costPerHour: 0.1,
    },
  ],
  externalProviders: [{ name: "openai", type: "openai", apiKey: "k", defaultModel: "gpt-4o-mini" }],
};

function setup() {
  const cfg = config(raw);
  const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
  const plan = (region?: string, policy?: string, pinned?: string) =>
    planRoute({
      profile: chatProfile({ model: "tiny", messages: [{ role: "user", content: "hi" }] } as never, 64),
      targets: targets.list,
      settings: cfg.router,
      strategy: "hybrid",
      pinned,
      region: parseRegionPreference(region, policy),
    }).map((c) => `${c.target.name}:${c.reason}`);
  return { plan, t: (name: string) => targets.byName.get(name)! };
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof HttpError)
      return { status: err.status, message: err.message, code: err.code, param: err.param };
    throw err;
  }
  throw new Error("expected a refusal");
};

describe("x-router-region in planning", () => {
  it("without the header keeps the strategy's order", () => {
    expect(setup().plan()).toEqual([
      "us-cheap:cluster_under_threshold",
      "eu-mid:cluster_under_threshold",
      "eu-dear:cluster_under_threshold",
      "openai:fallback",
    ]);
  });

  it("prefer: targets in the named regions first, in strategy order; the rest follow as outside_region", () => {
    expect(setup().plan("eu-west-1, EU-CENTRAL-1")).toEqual([
      "eu-mid:cluster_under_threshold",
      "eu-dear:cluster_under_threshold",
      "us-cheap:outside_region",
      "openai:outside_region",
    ]);
  });

  it("prefer: with nothing in the region, every target stays, marked outside_region", () => {
    expect(setup().plan("ap-south-1")).toEqual([
      "us-cheap:outside_region",
      "eu-mid:outside_region",
      "eu-dear:outside_region",
      "openai:outside_region",
    ]);
  });

  it("prefer: an in-region target that is down hands over to the next, which says why", () => {
    const { plan, t } = setup();
    for (let i = 0; i < 5; i++) t("eu-dear").breaker.onFailure();
    expect(plan("eu-west-1")).toEqual([
      "us-cheap:preferred_unavailable",
      "eu-mid:outside_region",
      "openai:outside_region",
    ]);
  });

  it("require: only targets in the regions, and a 400 naming the region when none can serve", () => {
    const { plan } = setup();
    expect(plan("eu-west-1,eu-central-1", "require")).toEqual([
      "eu-mid:cluster_under_threshold",
      "eu-dear:cluster_under_threshold",
    ]);
    expect(refusal(() => plan("ap-south-1", "require"))).toMatchObject({
      status: 400,
      code: "region_unavailable",
      param: "x-router-region",
      message: expect.stringContaining("ap-south-1"),
    });
  });

  it("require: a pin outside the regions is refused; prefer leaves a pin alone", () => {
    const { plan } = setup();
    expect(plan("eu-west-1", "prefer", "us-cheap")).toEqual(["us-cheap:pinned"]);
    expect(plan("eu-west-1", "require", "eu-dear")).toEqual(["eu-dear:pinned"]);
    expect(refusal(() => plan("eu-west-1", "require", "us-cheap"))).toMatchObject({
      status: 400,
      code: "region_unavailable",
      param: "x-router-target",
    });
  });

  it.each([
    ["", undefined, "x-router-region"],
    ["eu-west-1,", undefined, "x-router-region"],
    ["eu west", undefined, "x-router-region"],
    ["eu-west-1", "strict", "x-router-region-policy"],
    [undefined, "require", "x-router-region"],
  ])("rejects region %j with policy %j, naming %s", (region, policy, param) => {
    expect(refusal(() => parseRegionPreference(region, policy))).toMatchObject({
      status: 400,
      code: "invalid_region",
      param,
    });
  });
});

describe("x-router-region over HTTP", () => {
  let us: FakeUpstream;
  let eu: FakeUpstream;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    us = await new FakeUpstream({ name: "us" }).start();
    eu = await new FakeUpstream({ name: "eu" }).start();
    router = await listen({
      router: { clusterCostThreshold: 0.1 },
      clusters: [
        { name: "us", endpoint: us.url, region: "us-east-1", models: ["tiny"], costPerHour: 0.036 },
        { name: "eu", endpoint: eu.url, region: "eu-west-1", models: ["tiny"], costPerHour: 0.36 },
      ],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router?.close();
    await us?.close();
    await eu?.close();
  });

  const body = { model: "tiny", messages: [{ role: "user" as const, content: "hi" }] };

  it("sends a request to the requested region's cluster although another is cheaper", async () => {
    const cheapest = await client.chat.completions.create(body).withResponse();
    expect(cheapest.response.headers.get("x-router-target")).toBe("us");
    const { data, response } = await client.chat.completions
      .create(body, { headers: { "x-router-region": "eu-west-1" } })
      .withResponse();
    expect(response.headers.get("x-router-target")).toBe("eu");
    expect(data.choices[0]?.message.content).toContain("eu");
  });

  it("streams from the requested region too", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ ...body, stream: true }, { headers: { "x-router-region": "eu-west-1" } })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(response.headers.get("x-router-target")).toBe("eu");
    expect(text).toContain("eu");
  });

  it("lists each target's region in /health, so clients can see what x-router-region matches", async () => {
    const health = (await (await fetch(`${router.url}/health`)).json()) as {
      targets: { name: string; region?: string }[];
    };
    expect(health.targets.map((t) => [t.name, t.region])).toEqual([
      ["us", "us-east-1"],
      ["eu", "eu-west-1"],
    ]);
  });

  it("answers a bad header and an unmet requirement with OpenAI's error shape", async () => {
    const bad = await post<ErrorJson>(`${router.url}/v1/chat/completions`, body, {
      "x-router-region": "eu west",
    });
    expect(bad.res.status).toBe(400);
    expect(bad.json.error).toMatchObject({ param: "x-router-region", code: "invalid_region" });
    const unmet = await post<ErrorJson>(`${router.url}/v1/chat/completions`, body, {
      "x-router-region": "ap-south-1",
      "x-router-region-policy": "require",
    });
    expect(unmet.res.status).toBe(400);
    expect(unmet.json.error).toMatchObject({ param: "x-router-region", code: "region_unavailable" });
    expect(unmet.json.error.type).toBe("invalid_request_error");
  });
});

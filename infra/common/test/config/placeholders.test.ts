import { commonConfig, isPlaceholder, isPlaceholderRepo, readConfig } from "../../src/index.js";

const reader = (values: Record<string, string>) => (key: string) => values[key];
const ok = {
  domain: "aws.llm.acme.test",
  acmeEmail: "platform@acme.test",
  routerUrl: "https://router.llm.acme.test",
};

describe("documentation placeholders", () => {
  it.each([
    ["aws.llm.example.com", true],
    ["platform@example.com", true],
    ["https://router.llm.example.org/scaling", true],
    ["example.net", true],
    ["aws.llm.acme.test", false],
    ["ops@acme.io", false],
    ["https://router.example-corp.com", false],
    ["examples.com", false],
  ])("%s is a placeholder: %s", (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });

  it("treats the docs' fork URLs as placeholders", () => {
    expect(isPlaceholderRepo("https://github.com/example-org/llm-multicloud.git")).toBe(true);
    expect(isPlaceholderRepo("https://github.com/your-org/llm-multicloud.git")).toBe(true);
    expect(isPlaceholderRepo("https://github.com/acme/llm-multicloud.git")).toBe(false);
  });

  it.each([
    ["domain", "gcp.llm.example.com"],
    ["acmeEmail", "platform@example.com"],
    ["routerUrl", "https://router.llm.example.com"],
    ["exporterEndpoint", "https://exporter.example.com/v1/pools"],
  ])("refuses an example.* %s, naming the key", (key, value) => {
    expect(() => readConfig(commonConfig, "llm-platform", reader({ ...ok, [key]: value }))).toThrow(
      new RegExp(`llm-platform:${key}: is a documentation placeholder`),
    );
  });

  it("refuses the docs' fork as gitRepoUrl, naming the key", () => {
    expect(() =>
      readConfig(
        commonConfig,
        "llm-platform",
        reader({ ...ok, gitRepoUrl: "https://github.com/example-org/llm-multicloud.git" }),
      ),
    ).toThrow(/llm-platform:gitRepoUrl/);
  });

  it.each(["domain", "acmeEmail"])("requires %s, naming the key", (key) => {
    const { [key as keyof typeof ok]: _dropped, ...rest } = ok;
    expect(() => readConfig(commonConfig, "llm-platform", reader(rest))).toThrow(
      new RegExp(`llm-platform:${key}`),
    );
  });
});

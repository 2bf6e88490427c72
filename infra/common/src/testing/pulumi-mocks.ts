import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { REPO_ROOT } from "../apps/repo-paths.js";
import { PROJECT } from "../naming/naming.js";

/** One resource the program registered, with its resolved inputs. */
export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs with secret wrappers removed (plain values, easy to assert on). */
  inputs: Record<string, unknown>;
  /** Inputs as the mock monitor received them: secret values still wrapped. */
  rawInputs: Record<string, unknown>;
  /** Property paths the resource told the engine to ignore (`ignoreChanges` option). */
  ignoreChanges: string[];
}

/** The part of a RegisterResourceRequest the recorder reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getIgnorechangesList(): string[];
}

/** The wire signature Pulumi uses to mark a secret value in serialized inputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

function isSecretWrapper(v: unknown): v is { value: unknown } {
  return (
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE
  );
}

/** Removes secret wrappers from serialized inputs, recursively. */
function reveal(v: unknown): unknown {
  if (isSecretWrapper(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  // Only plain objects: assets, archives and resource references keep their identity.
  const proto = typeof v === "object" && v !== null ? Object.getPrototypeOf(v) : undefined;
  if (proto === null || proto?.constructor?.name === "Object")
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** Whether the input at `path` (e.g. `["stringData", "router.yaml"]`) reached the monitor as a secret. */
export function isSecretInput(r: RecordedResource, path: string[]): boolean {
  let v: unknown = r.rawInputs;
  for (const key of path) {
    if (isSecretWrapper(v)) return true;
    if (typeof v !== "object" || v === null) return false;
    v = (v as Record<string, unknown>)[key];
  }
  return isSecretWrapper(v);
}

export interface MockSetup {
  /** Project name. Defaults to `llm-platform`. */
  project?: string;
  /** Stack name. Defaults to `test`. */
  stack?: string;
  /**
   * Stack config, keys fully qualified (`llm-platform:cloud`); objects and arrays are
   * JSON-encoded like `pulumi config set --path` stores them. Defaults to {}.
   */
  config?: Record<string, unknown>;
  /** Extra state for a resource (what a real provider would compute). Merged over the defaults. */
  computed?: (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
  ) => Record<string, unknown> | undefined;
  /**
   * Outputs of other stacks by StackReference name (`org/project/stack` or `stack`), served to
   * `pulumi.StackReference` reads; `kubeconfig`, `hmacSecret` and `scalingToken` come back as secrets. Defaults to {}.
   */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Results of invokes by token, e.g. `azure-native:authorization:getClientConfig`. Merged over the defaults. */
  calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}

/** What a test reads back: every registered resource, with finders. */
export interface MockRecorder {
  resources: RecordedResource[];
  /** Resources of one type token, e.g. `aws:eks/nodeGroup:NodeGroup`. */
  ofType(type: string): RecordedResource[];
  /** The single resource of `type` whose name contains `nameIncludes`; throws if not exactly one. */
  one(type: string, nameIncludes?: string): RecordedResource;
}

const fakeKubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

/** Input that names an Azure resource (azure-native reports it back as `name`). */
const azureNameInputs: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:containerservice:ManagedCluster": "resourceName",
  "azure-native:network:VirtualNetwork": "virtualNetworkName",
  "azure-native:containerregistry:Registry": "registryName",
  "azure-native:network:PublicIPAddress": "publicIpAddressName",
};

/** A stable fake IPv4 address in TEST-NET-3 (RFC 5737) for a resource name. */
const fakeIp = (name: string) => `203.0.113.${(createHash("sha256").update(name).digest()[0]! % 250) + 1}`;

/** Outputs real providers compute that our programs read; the mocks echo inputs otherwise. */
function defaultComputed(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const azureName = azureNameInputs[type];
  const named = azureName ? { name: inputs[azureName] ?? name } : {};
  const computed = computedByType(type, name);
  // ACR's login server is named after the registry, as Azure names it.
  if (type === "azure-native:containerregistry:Registry" && typeof inputs.registryName === "string")
    computed.loginServer = `${inputs.registryName.toLowerCase()}.azurecr.io`;
  return { ...named, ...computed };
}

function computedByType(type: string, name: string): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: `mock-secret-${name}-0123456789abcdefghijklmnop` };
    case "aws:eks/cluster:Cluster":
      return {
        arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
        endpoint: `https://${name}.eks.example.com`,
        certificateAuthority: { data: "Y2VydA==" },
        identities: [
          { oidcs: [{ issuer: `https://oidc.eks.us-east-1.amazonaws.com/id/${name.toUpperCase()}` }] },
        ],
      };
    case "aws:eks/nodeGroup:NodeGroup":
      return { resources: [{ autoscalingGroups: [{ name: `eks-${name}-asg` }] }] };
    case "aws:iam/role:Role":
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::123456789012:${type.split(":").pop()!.toLowerCase()}/${name}` };
    case "aws:ecr/repository:Repository":
      return { repositoryUrl: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}` };
    case "gcp:container/cluster:Cluster":
      return { endpoint: "10.0.0.2", masterAuth: { clusterCaCertificate: "Y2VydA==" } };
    case "gcp:serviceaccount/account:Account":
      return { email: `${name}@mock-project.iam.gserviceaccount.com` };
    case "azure-native:containerservice:ManagedCluster":
      return {
        identity: { type: "SystemAssigned", principalId: "00000000-0000-0000-0000-0000000c1057" },
        identityProfile: { kubeletidentity: { objectId: "00000000-0000-0000-0000-00000000cafe" } },
        oidcIssuerProfile: { enabled: true, issuerURL: "https://oidc.example.com/" },
      };
    case "azure-native:containerregistry:Registry":
      return { loginServer: `${name}.azurecr.io` };
    case "azure-native:network:PublicIPAddress":
      return { ipAddress: fakeIp(name) };
    case "aws:ec2/eip:Eip":
      return { publicIp: fakeIp(name), allocationId: `eipalloc-${name}` };
    case "gcp:compute/address:Address":
      return { address: fakeIp(name) };
    case "docker-build:index:Image": {
      const digest = `sha256:${createHash("sha256").update(name).digest("hex")}`;
      return { digest, ref: `mock/${name}@${digest}`, contextHash: digest.slice(7, 23) };
    }
    default:
      return {};
  }
}

const defaultCalls: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  "azure-native:authorization:getClientConfig": () => ({
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    tenantId: "00000000-0000-0000-0000-000000000002",
    clientId: "00000000-0000-0000-0000-000000000003",
    objectId: "00000000-0000-0000-0000-000000000004",
  }),
  "azure-native:containerregistry:listRegistryCredentials": () => ({
    username: "mockacr",
    passwords: [{ name: "password", value: "mock-acr-password" }],
  }),
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
    userName: "AWS",
    password: "mock-ecr-token",
    proxyEndpoint: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
  }),
  "gcp:organizations/getClientConfig:getClientConfig": () => ({ accessToken: "mock-gcp-access-token" }),
  "azure-native:containerservice:listManagedClusterUserCredentials": () => ({
    kubeconfigs: [{ name: "clusterUser", value: Buffer.from(fakeKubeconfig).toString("base64") }],
  }),
};

/**
 * Installs Pulumi's unit-test mocks (no engine, no cloud) and the given stack config.
 * `newResource` echoes inputs plus what the provider would compute (ids, ARNs, endpoints), and
 * records every resource so tests can assert on what the program asked the cloud for.
 * Call it before importing the program module.
 */
export async function setupPulumiMocks(setup: MockSetup = {}): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const calls = { ...defaultCalls, ...setup.calls };
  // Resource options never reach `newResource`; read them off the request on its way in.
  const ignored = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        const rawInputs = (a.inputs ?? {}) as Record<string, unknown>;
        const inputs = reveal(rawInputs) as Record<string, unknown>;
        const ignoreChanges = ignored.get(`${a.type}::${a.name}`) ?? [];
        resources.push({ type: a.type, name: a.name, inputs, rawInputs, ignoreChanges });
        if (a.type === "pulumi:pulumi:StackReference") {
          const ref = String(inputs.name ?? a.id ?? a.name);
          const outputs = setup.stackOutputs?.[ref] ?? {};
          const secretOutputNames = ["kubeconfig", "hmacSecret", "scalingToken"].filter((k) => k in outputs);
          return { id: ref, state: { name: ref, outputs, secretOutputNames } };
        }
        const state = {
          ...rawInputs,
          ...defaultComputed(a.type, a.name, inputs),
          ...(setup.computed?.(a.type, a.name, inputs) ?? {}),
        };
        return { id: `${a.name}-id`, state };
      },
      call: (a) => {
        const handler = calls[a.token];
        return handler ? handler(a.inputs as Record<string, unknown>) : (a.inputs as Record<string, unknown>);
      },
    },
    setup.project ?? PROJECT,
    setup.stack ?? "test",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: RegisterRequest, cb: unknown) => unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    ignored.set(`${req.getType()}::${req.getName()}`, req.getIgnorechangesList());
    return register(req, cb);
  };
  setStackConfig(setup.config ?? {});
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    resources,
    ofType,
    one(type, nameIncludes = "") {
      const found = ofType(type).filter((r) => r.name.includes(nameIncludes));
      if (found.length !== 1)
        throw new Error(
          `expected one ${type} named *${nameIncludes}*, found ${found.map((r) => r.name).join(", ")}`,
        );
      return found[0]!;
    },
  };
}

/** Replaces the whole stack config (fully qualified keys; non-strings JSON-encoded; undefined unsets). */
export function setStackConfig(config: Record<string, unknown>): void {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(config))
    if (v !== undefined) flat[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(flat, []);
}

/** Resolves an Output's value (mocks resolve every value, even unknown-at-preview ones). */
export const outputValue = <T>(o: pulumi.Output<T>): Promise<T> =>
  new Promise<T>((resolve) => o.apply(resolve));

/** Whether an Output is marked secret (encrypted in state, hidden in `pulumi stack output`). */
export const isSecretOutput = <T>(o: pulumi.Output<T>): Promise<boolean> => pulumi.isSecret(o);

/** Waits until every registration the program started has reached the mock monitor. */
export async function settle(ms = 50): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Typed view of a recorded resource's inputs: the program's Args with every Input unwrapped. */
export function inputsOf<A>(r: RecordedResource): pulumi.Unwrap<A> {
  return r.inputs as pulumi.Unwrap<A>;
}

/** Stacks that have a fixture config (infra/program/test/fixtures/<stack>.yaml). */
export const FIXTURE_STACKS = ["aws-dev", "gcp-dev", "azure-dev", "global"] as const;

/**
 * The fixture config of a shipped stack: the same keys as Pulumi.<stack>.yaml with real-looking
 * values (a `.test` domain, a fork URL) where the shipped file keeps placeholders, so the program
 * runs to the end under mocks. Fully qualified keys, ready for `setupPulumiMocks({ config })`;
 * `overrides` replace single keys (e.g. `llm-platform:deployMode`).
 */
export function fixtureConfig(
  stack: string,
  overrides: Record<string, unknown> = {},
  root: string = REPO_ROOT,
): Record<string, unknown> {
  const file = path.join(root, "infra", "program", "test", "fixtures", `${stack}.yaml`);
  const doc = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return { ...doc.config, ...overrides };
}

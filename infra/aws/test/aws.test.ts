// Over 300 lines: the AWS program's mocks run and every assertion on it, in one place (deploy-path checks: deploy-path.test.ts).
import { stackOutputs } from "@llm/contracts";
import { collectExports, instanceCatalog, podsPerNode, runtimeRequests } from "@llm/infra-common";
import {
  inputsOf,
  isSecretInput,
  isSecretOutput,
  type MockRecorder,
  outputValue,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import type * as aws from "@pulumi/aws";
import { parse } from "yaml";
import type { PolicyDocument } from "../src/iam/policies.js";

let mocks: MockRecorder;
let program: typeof import("../src/index.js");
let stack: ReturnType<typeof import("../src/index.js")["deployAws"]>;

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const nodeGroup = (role: "cpu" | "gpu") =>
  inputsOf<aws.eks.NodeGroupArgs>(mocks.one(NODE_GROUP, `llm-${role}`));

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "aws-dev",
    config: {
      "aws:region": "us-east-1",
      "llm-platform:domain": "aws.llm.acme.io",
      "llm-platform:acmeEmail": "platform@acme.io",
      "llm-platform:routerUrl": "https://router.llm.acme.io",
      "llm-platform:adminPrincipalArns": ["arn:aws:iam::123456789012:role/platform-admin"],
    },
  });
  program = await import("../src/index.js");
  stack = program.deployAws();
  await outputValue(collectExports(stack.outputs));
  await settle();
});

describe("EKS GPU node group", () => {
  it("is spot g4dn (xlarge first, 2xlarge for spot diversity) on the AL2023 NVIDIA AMI", () => {
    const gpu = nodeGroup("gpu");
    expect(gpu.capacityType).toBe("SPOT");
    expect(gpu.instanceTypes).toEqual(["g4dn.xlarge", "g4dn.2xlarge"]);
    expect(gpu.amiType).toBe("AL2023_x86_64_NVIDIA");
  });

  it("scales between zero and its maximum and starts at zero nodes", () => {
    expect(nodeGroup("gpu").scalingConfig).toEqual({ minSize: 0, desiredSize: 0, maxSize: 2 });
  });

  it("is tainted nvidia.com/gpu=true:NoSchedule and labelled as the GPU pool", () => {
    const gpu = nodeGroup("gpu");
    expect(gpu.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    expect(gpu.labels).toEqual({
      "llm.platform/pool": "gpu",
      "llm.platform/accelerator": "nvidia-t4",
      "k8s.amazonaws.com/accelerator": "nvidia-tesla-t4",
    });
  });

  it("leaves the desired size to cluster-autoscaler once created", () => {
    expect(mocks.one(NODE_GROUP, "llm-gpu").ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    expect(mocks.one(NODE_GROUP, "llm-cpu").ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
  });

  it("tags its Auto Scaling group with every tag cluster-autoscaler needs to scale from zero", () => {
    const tags = mocks
      .ofType("aws:autoscaling/tag:Tag")
      .map((r) => inputsOf<aws.autoscaling.TagArgs>(r))
      .filter((t) => t.autoscalingGroupName === "eks-llm-gpu-asg");
    const byKey = Object.fromEntries(tags.map((t) => [t.tag.key, t.tag]));
    const p = "k8s.io/cluster-autoscaler";
    expect(Object.fromEntries(Object.entries(byKey).map(([k, t]) => [k, t.value]))).toEqual({
      [`${p}/enabled`]: "true",
      [`${p}/llm-aws-dev`]: "owned",
      [`${p}/node-template/label/llm.platform/pool`]: "gpu",
      [`${p}/node-template/label/llm.platform/accelerator`]: "nvidia-t4",
      [`${p}/node-template/label/k8s.amazonaws.com/accelerator`]: "nvidia-tesla-t4",
      [`${p}/node-template/label/eks.amazonaws.com/capacityType`]: "SPOT",
      [`${p}/node-template/taint/nvidia.com/gpu`]: "true:NoSchedule",
      [`${p}/node-template/resources/nvidia.com/gpu`]: "1",
    });
    expect(tags.every((t) => t.tag.propagateAtLaunch === true)).toBe(true);
  });
});

describe("EKS CPU node group", () => {
  it("is on-demand and fits the CPU runtime's requests (2 vCPU / 4 GiB) on every instance type", () => {
    const cpu = nodeGroup("cpu");
    expect(cpu.capacityType).toBe("ON_DEMAND");
    expect(cpu.taints).toEqual([]);
    for (const type of cpu.instanceTypes!) {
      expect(podsPerNode(instanceCatalog[type]!, runtimeRequests.cpu)).toBeGreaterThanOrEqual(1);
    }
    expect(cpu.scalingConfig.minSize).toBeGreaterThanOrEqual(1);
  });
});

describe("network", () => {
  const subnets = () =>
    mocks
      .ofType("aws:ec2/subnet:Subnet")
      .map((r) => ({ id: `${r.name}-id`, ...inputsOf<aws.ec2.SubnetArgs>(r) }));

  it("spans three availability zones (spot capacity varies by AZ) with a private and a public subnet each", () => {
    const s = subnets();
    expect(s.map((x) => x.availabilityZone).sort()).toEqual([
      "us-east-1a",
      "us-east-1a",
      "us-east-1b",
      "us-east-1b",
      "us-east-1c",
      "us-east-1c",
    ]);
  });

  it("tags public subnets for internet-facing and private subnets for internal load balancers", () => {
    for (const s of subnets()) {
      const tags = s.tags ?? {};
      expect(tags["kubernetes.io/cluster/llm-aws-dev"]).toBe("shared");
      const isPublic = "kubernetes.io/role/elb" in tags;
      expect(isPublic).toBe(!("kubernetes.io/role/internal-elb" in tags));
      expect(s.mapPublicIpOnLaunch).toBe(false);
    }
  });

  it("puts every node in private subnets only", () => {
    const privateIds = subnets()
      .filter((s) => s.tags?.["kubernetes.io/role/internal-elb"] === "1")
      .map((s) => s.id)
      .sort();
    expect(privateIds).toHaveLength(3);
    for (const role of ["cpu", "gpu"] as const)
      expect([...nodeGroup(role).subnetIds].sort()).toEqual(privateIds);
  });

  it("routes private subnets through a NAT gateway in a public subnet", () => {
    const nat = mocks.one("aws:ec2/natGateway:NatGateway");
    expect(nat.inputs.subnetId).toMatch(/public/);
    const privateRoutes = mocks
      .ofType("aws:ec2/routeTable:RouteTable")
      .filter((r) => r.name.includes("private"))
      .map((r) => inputsOf<aws.ec2.RouteTableArgs>(r).routes?.[0]?.natGatewayId);
    expect(privateRoutes).toEqual([`${nat.name}-id`, `${nat.name}-id`, `${nat.name}-id`]);
  });
});

describe("EKS cluster and IAM", () => {
  it("uses access entries (authentication mode API) and grants configured admins cluster-admin", () => {
    const cluster = inputsOf<aws.eks.ClusterArgs>(mocks.one("aws:eks/cluster:Cluster"));
    expect(cluster.name).toBe("llm-aws-dev");
    expect(cluster.version).toBe("1.34");
    expect(cluster.accessConfig?.authenticationMode).toBe("API");
    const assoc = inputsOf<aws.eks.AccessPolicyAssociationArgs>(
      mocks.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
    );
    expect(assoc.principalArn).toBe("arn:aws:iam::123456789012:role/platform-admin");
    expect(assoc.policyArn).toMatch(/AmazonEKSClusterAdminPolicy$/);
  });

  it("registers the cluster's OIDC issuer for IRSA", () => {
    const oidc = inputsOf<aws.iam.OpenIdConnectProviderArgs>(
      mocks.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
    );
    expect(oidc.url).toMatch(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
    expect(oidc.clientIdLists).toEqual(["sts.amazonaws.com"]);
  });

  it("lets only the cluster-autoscaler service account assume its role", () => {
    const role = mocks.one("aws:iam/role:Role", "llm-cluster-autoscaler");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument;
    const cond = trust.Statement[0]!.Condition!.StringEquals!;
    const sub = Object.entries(cond).find(([k]) => k.endsWith(":sub"))!;
    expect(sub[1]).toBe("system:serviceaccount:kube-system:cluster-autoscaler");
    expect(trust.Statement[0]!.Action).toBe("sts:AssumeRoleWithWebIdentity");
  });

  it("writes least-privilege IAM policies: no wildcard actions, mutations on * only under a condition", () => {
    const docs = [
      ...mocks.ofType("aws:iam/policy:Policy").map((r) => r.inputs.policy as string),
      ...mocks.ofType("aws:iam/role:Role").map((r) => r.inputs.assumeRolePolicy as string),
    ].map((p) => JSON.parse(p) as PolicyDocument);
    expect(docs.length).toBeGreaterThanOrEqual(4);
    const readOnly = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/;
    for (const doc of docs) {
      for (const st of doc.Statement) {
        const actions = [st.Action].flat();
        for (const a of actions) expect(a === "*" || a.endsWith(":*")).toBe(false);
        const resources = [st.Resource ?? []].flat();
        if (resources.includes("*") && !actions.every((a) => readOnly.test(a)))
          expect(st.Condition).toBeDefined();
      }
    }
    const ca = docs.find((d) => d.Statement.some((s) => s.Sid === "ScaleOwnedGroups"))!;
    const scale = ca.Statement.find((s) => s.Sid === "ScaleOwnedGroups")!;
    expect(scale.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/llm-aws-dev": "owned" },
    });
  });

  it("creates scanned, immutable ECR repositories for the runtime, router and exporter", () => {
    const repos = mocks
      .ofType("aws:ecr/repository:Repository")
      .map((r) => inputsOf<aws.ecr.RepositoryArgs>(r));
    expect(repos.map((r) => r.name).sort()).toEqual(["llm-exporter", "llm-router", "llm-runtime"]);
    expect(
      repos.every((r) => r.imageScanningConfiguration?.scanOnPush && r.imageTagMutability === "IMMUTABLE"),
    ).toBe(true);
  });

  it("installs cluster-autoscaler with the IRSA role", () => {
    const ca = mocks
      .ofType("kubernetes:helm.sh/v3:Release")
      .find((r) => r.inputs.chart === "cluster-autoscaler")!;
    const values = ca.inputs.values as { rbac: { serviceAccount: { annotations: Record<string, string> } } };
    expect(values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(
      /llm-cluster-autoscaler/,
    );
  });
});

describe("AWS stack outputs", () => {
  it("match the shared stack-output schema", async () => {
    const out = await outputValue(collectExports(stack.outputs));
    const parsed = stackOutputs.parse(out);
    expect(parsed).toMatchObject({
      cloud: "aws",
      region: "us-east-1",
      clusterName: "llm-aws-dev",
      authMode: "hmac",
      pools: {
        cpu: {
          endpoint: "https://cpu.aws.llm.acme.io",
          capacityType: "on-demand",
          instanceType: "m6i.xlarge",
        },
        gpu: {
          endpoint: "https://gpu.aws.llm.acme.io",
          capacityType: "spot",
          instanceType: "g4dn.xlarge",
          minNodes: 0,
          pricePerHour: { onDemand: 0.526, spot: 0.19 },
          capabilities: { accelerator: "nvidia-t4" },
        },
      },
    });
  });

  it("keep the kubeconfig and the HMAC secret secret", async () => {
    expect(await isSecretOutput(stack.outputs.kubeconfig!)).toBe(true);
    expect(await isSecretOutput(stack.outputs.hmacSecret!)).toBe(true);
    expect(await isSecretOutput(stack.outputs.pools!)).toBe(false);
  });

  it("hand the HMAC secret to the cluster only as a secret Kubernetes Secret", () => {
    const auth = mocks.one("kubernetes:core/v1:Secret", "llm-auth");
    expect(auth.inputs.metadata).toMatchObject({ name: "llm-cluster-auth", namespace: "llm" });
    expect(isSecretInput(auth, ["stringData", "hmac-secret"])).toBe(true);
    expect(isSecretInput(mocks.one("pulumi:providers:kubernetes", "llm-eks"), ["kubeconfig"])).toBe(true);
  });

  it("export a kubeconfig that authenticates with aws eks get-token", async () => {
    const kc = parse((await outputValue(stack.outputs.kubeconfig!)) ?? "") as {
      users: { user: { exec: { command: string; args: string[] } } }[];
    };
    expect(kc.users[0]!.user.exec.command).toBe("aws");
    expect(kc.users[0]!.user.exec.args).toEqual(expect.arrayContaining(["get-token", "llm-aws-dev"]));
  });
});

describe("VPC layout", () => {
  it.each([
    [2, ["10.0.0.0/19", "10.0.32.0/19"], ["10.0.128.0/22", "10.0.132.0/22"]],
    [3, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"], ["10.0.128.0/22", "10.0.132.0/22", "10.0.136.0/22"]],
  ])("carves %i AZs into non-overlapping private /19s and public /22s", (n, priv, pub) => {
    const cidrs = program.subnetCidrs("10.0.0.0/16", n);
    expect(cidrs.map((c) => c.private)).toEqual(priv);
    expect(cidrs.map((c) => c.public)).toEqual(pub);
  });

  it("rejects a VPC CIDR that is not a /16", () => {
    expect(() => program.subnetCidrs("10.0.0.0/20", 2)).toThrow(/must be a \/16/);
  });

  it("gives every AZ its own NAT gateway and route when natGateways is perAz", async () => {
    const { Vpc } = await import("../src/network/vpc.js");
    const vpc = new Vpc("ha", {
      clusterName: "c",
      cidr: "10.1.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      natGateways: "perAz",
      tags: {},
    });
    await outputValue(vpc.privateSubnetIds);
    await settle();
    const nats = mocks.ofType("aws:ec2/natGateway:NatGateway").filter((r) => r.name.startsWith("ha-"));
    expect(nats).toHaveLength(3);
    const routes = mocks
      .ofType("aws:ec2/routeTable:RouteTable")
      .filter((r) => r.name.startsWith("ha-private"))
      .map((r) => inputsOf<aws.ec2.RouteTableArgs>(r).routes?.[0]?.natGatewayId);
    expect(new Set(routes).size).toBe(3);
  });
});

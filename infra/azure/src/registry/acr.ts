import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as containerregistry from "@pulumi/azure-native/containerregistry/index.js";
import * as pulumi from "@pulumi/pulumi";

/** Built-in AcrPull role: pull images, nothing else. */
export const ACR_PULL_ROLE_ID = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

export interface AcrArgs {
  /** Registry name (globally unique, alphanumeric). */
  registryName: string;
  /** Resource group name. */
  resourceGroupName: pulumi.Input<string>;
  /** Region. */
  location: string;
  /** Object id of the AKS kubelet identity that pulls images. */
  kubeletObjectId: pulumi.Input<string>;
  /** Tags. */
  tags: Record<string, string>;
  /**
   * Enable the admin user so this stack can push its images (docker-build needs a username and
   * password, and the admin user's are the only ones azure-native can read). Defaults to false.
   */
  pushCredentials?: boolean;
}

/**
 * Azure Container Registry with AcrPull for the cluster's kubelet identity. The admin user stays
 * off unless the stack pushes its images itself (`buildImages`); set buildImages false and push
 * from CI with `az acr login` to keep passwords off entirely.
 */
export class Acr extends pulumi.ComponentResource {
  readonly registry: containerregistry.Registry;
  readonly pull: authorization.RoleAssignment;
  private readonly resourceGroupName: pulumi.Input<string>;

  constructor(name: string, args: AcrArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:azure:Acr", name, {}, opts);
    this.resourceGroupName = args.resourceGroupName;
    this.registry = new containerregistry.Registry(
      name,
      {
        registryName: args.registryName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "Basic" },
        adminUserEnabled: args.pushCredentials ?? false,
        tags: args.tags,
      },
      { parent: this },
    );
    const client = authorization.getClientConfigOutput({ parent: this });
    this.pull = new authorization.RoleAssignment(
      `${name}-acrpull`,
      {
        principalId: args.kubeletObjectId,
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE_ID}`,
        scope: this.registry.id,
      },
      { parent: this },
    );
    this.registerOutputs({ loginServer: this.registry.loginServer });
  }

  /** The admin credentials docker-build pushes with (only when pushCredentials is on). */
  credentials(): { username: pulumi.Output<string>; password: pulumi.Output<string> } {
    const creds = containerregistry.listRegistryCredentialsOutput(
      { registryName: this.registry.name, resourceGroupName: this.resourceGroupName },
      { parent: this },
    );
    return {
      username: creds.apply((c) => c.username ?? ""),
      password: pulumi.secret(creds.apply((c) => c.passwords?.[0]?.value ?? "")),
    };
  }
}

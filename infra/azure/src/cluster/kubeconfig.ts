import * as containerservice from "@pulumi/azure-native/containerservice/index.js";
import * as pulumi from "@pulumi/pulumi";

/**
 * The cluster's user kubeconfig from the AKS API (listClusterUserCredential), decoded from
 * base64. It carries a client credential, so it is always wrapped as a secret.
 */
export function aksKubeconfig(
  resourceGroupName: pulumi.Input<string>,
  clusterName: pulumi.Input<string>,
  parent?: pulumi.Resource,
): pulumi.Output<string> {
  const creds = containerservice.listManagedClusterUserCredentialsOutput(
    { resourceGroupName, resourceName: clusterName },
    { parent },
  );
  return pulumi.secret(
    creds.kubeconfigs.apply((k) => Buffer.from(k?.[0]?.value ?? "", "base64").toString("utf8")),
  );
}

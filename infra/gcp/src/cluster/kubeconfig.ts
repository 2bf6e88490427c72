import { stringify } from "yaml";

/**
 * Kubeconfig for a GKE cluster that gets its token from `gke-gcloud-auth-plugin` at use time;
 * the file carries no credential of its own.
 */
export function gkeKubeconfig(args: { clusterName: string; endpoint: string; caData: string }): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: args.clusterName,
        cluster: { server: `https://${args.endpoint}`, "certificate-authority-data": args.caData },
      },
    ],
    contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.clusterName } }],
    "current-context": args.clusterName,
    users: [
      {
        name: args.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
            provideClusterInfo: true,
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

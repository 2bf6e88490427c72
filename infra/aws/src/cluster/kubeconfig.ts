import { stringify } from "yaml";

/**
 * Kubeconfig for an EKS cluster that gets its token from `aws eks get-token` at use time,
 * so the file itself holds no credential (still exported as a secret: it names the endpoint).
 */
export function eksKubeconfig(args: {
  clusterName: string;
  endpoint: string;
  caData: string;
  region: string;
}): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: args.clusterName,
        cluster: { server: args.endpoint, "certificate-authority-data": args.caData },
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
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              args.clusterName,
              "--region",
              args.region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EcrRepositoriesArgs {
  /** Repository names, e.g. `llm-runtime`. */
  names: string[];
  /** Tags for every repository. */
  tags: Record<string, string>;
}

/** ECR repositories for this repo's images (runtime, router, exporter), scanned on push. */
export class EcrRepositories extends pulumi.ComponentResource {
  readonly repositories: aws.ecr.Repository[];

  constructor(name: string, args: EcrRepositoriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:aws:EcrRepositories", name, {}, opts);
    this.repositories = args.names.map(
      (repo) =>
        new aws.ecr.Repository(
          `${name}-${repo.replace(/[^a-z0-9-]/g, "-")}`,
          {
            name: repo,
            imageScanningConfiguration: { scanOnPush: true },
            // Tags are immutable so a deployed digest never changes under a running pod.
            imageTagMutability: "IMMUTABLE",
            tags: args.tags,
          },
          { parent: this },
        ),
    );
    this.registerOutputs({ urls: this.repositories.map((r) => r.repositoryUrl) });
  }
}

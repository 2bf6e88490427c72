import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface ArtifactRegistryArgs {
  /** Repository id, e.g. `llm`. */
  repositoryId: string;
  /** Region of the repository (same as the cluster: no cross-region pull cost). */
  location: string;
  /** Member granted pull access (the node service account). */
  readerMember: pulumi.Input<string>;
  /** Labels for the repository. */
  labels: Record<string, string>;
}

/** Docker repository in Artifact Registry for this repo's images; nodes may pull, nothing more. */
export class ArtifactRegistry extends pulumi.ComponentResource {
  readonly repository: gcp.artifactregistry.Repository;
  /** Registry host path, e.g. `us-central1-docker.pkg.dev/<project>/llm`. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:ArtifactRegistry", name, {}, opts);
    this.repository = new gcp.artifactregistry.Repository(
      name,
      { repositoryId: args.repositoryId, location: args.location, format: "DOCKER", labels: args.labels },
      { parent: this },
    );
    new gcp.artifactregistry.RepositoryIamMember(
      `${name}-reader`,
      {
        repository: this.repository.name,
        location: args.location,
        role: "roles/artifactregistry.reader",
        member: args.readerMember,
      },
      { parent: this },
    );
    this.url = pulumi.interpolate`${args.location}-docker.pkg.dev/${this.repository.project}/${args.repositoryId}`;
    this.registerOutputs({ url: this.url });
  }
}

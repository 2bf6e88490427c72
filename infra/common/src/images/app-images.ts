import path from "node:path";
import type { ImageRef, StackImages } from "@llm/contracts";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT } from "../apps/repo-paths.js";
import { PROJECT } from "../naming/naming.js";

/** The images of this repository a cluster and the router run. */
export type ImageName = keyof StackImages;

/** Dockerfile of each image, relative to the repository root (the build context of all four). */
export const IMAGE_DOCKERFILES: Record<ImageName, string> = {
  runtime: "runtime/Dockerfile",
  runtimeCuda: "runtime/Dockerfile.cuda",
  router: "router/Dockerfile",
  exporter: "exporters/Dockerfile",
};

/** Registry repository of each image by default; CPU and CUDA runtimes share one, told apart by digest. */
export const IMAGE_REPOSITORIES: Record<ImageName, string> = {
  runtime: "llm-runtime",
  runtimeCuda: "llm-runtime",
  router: "llm-router",
  exporter: "llm-exporter",
};

export interface AppImagesArgs {
  /** Registry host the images are pushed to (ECR, Artifact Registry or ACR login server). */
  registry: pulumi.Input<string>;
  /** Repository path of each image inside the registry. Defaults to {@link IMAGE_REPOSITORIES}. */
  repositories?: Partial<Record<ImageName, pulumi.Input<string>>>;
  /** Push credentials for the registry (short-lived tokens from the cloud). */
  credentials: { username: pulumi.Input<string>; password: pulumi.Input<string> };
  /** Target platforms. Defaults to `["linux/amd64"]` (every node type of the pools). */
  platforms?: dockerbuild.Platform[];
  /** Repository root (build context). Defaults to this checkout. */
  repoRoot?: string;
}

/**
 * Builds the runtime (CPU and CUDA), router and exporter images from this checkout with BuildKit
 * (`@pulumi/docker-build`) and pushes them to the stack's registry by digest only: no tag to move
 * or collide, so ECR repositories stay IMMUTABLE, and every chart pins the exact digest built.
 */
export class AppImages extends pulumi.ComponentResource {
  readonly images = {} as Record<ImageName, dockerbuild.Image>;
  /** Where each image was pushed, as the charts take it. */
  readonly refs: pulumi.Output<StackImages>;

  constructor(name: string, args: AppImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:common:AppImages", name, {}, opts);
    const root = args.repoRoot ?? REPO_ROOT;
    const refs = {} as Record<ImageName, pulumi.Output<ImageRef>>;
    for (const image of Object.keys(IMAGE_DOCKERFILES) as ImageName[]) {
      const repository = pulumi.output(args.repositories?.[image] ?? IMAGE_REPOSITORIES[image]);
      const built = new dockerbuild.Image(
        `${name}-${image}`,
        {
          context: { location: root },
          dockerfile: { location: path.join(root, IMAGE_DOCKERFILES[image]) },
          platforms: args.platforms ?? ["linux/amd64"],
          push: false,
          exports: [
            {
              registry: {
                names: [pulumi.interpolate`${args.registry}/${repository}`],
                pushByDigest: true,
              },
            },
          ],
          registries: [
            {
              address: args.registry,
              username: args.credentials.username,
              password: pulumi.secret(args.credentials.password),
            },
          ],
          labels: { "org.opencontainers.image.source": `${PROJECT}:${IMAGE_DOCKERFILES[image]}` },
          // A preview should not spend minutes compiling llama.cpp layers; `up` builds.
          buildOnPreview: false,
        },
        { parent: this },
      );
      this.images[image] = built;
      refs[image] = pulumi
        .all([args.registry, repository, built.digest])
        .apply(([registry, repo, digest]) => ({ registry, repository: repo, digest }));
    }
    this.refs = pulumi.output(refs) as pulumi.Output<StackImages>;
    this.registerOutputs({ refs: this.refs });
  }
}

/**
 * Images built elsewhere (`llm-platform:images` with `buildImages: false`): all four must be
 * given; the error names the missing keys.
 */
export function configuredImages(
  images: Partial<StackImages> | undefined,
  key = `${PROJECT}:images`,
): StackImages {
  const missing = (Object.keys(IMAGE_DOCKERFILES) as ImageName[]).filter((k) => !images?.[k]);
  if (missing.length > 0)
    throw new Error(
      `${key}: ${missing.map((m) => `${key}.${m}`).join(", ")} required when llm-platform:buildImages is false`,
    );
  return images as StackImages;
}

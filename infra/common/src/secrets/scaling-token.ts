import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface ScalingTokenArgs {
  /** A token from config (`llm-platform:scalingToken`); generated when absent. */
  value?: pulumi.Input<string>;
}

/**
 * The bearer token KEDA in this cluster sends to the router's `/scaling/<target>` (KEDA's
 * metrics-api scaler can send a bearer token but cannot sign HMAC). From config when set, so
 * several cloud stacks can share the one token the router accepts; otherwise generated.
 */
export class ScalingToken extends pulumi.ComponentResource {
  /** The token, always a Pulumi secret. */
  readonly value: pulumi.Output<string>;

  constructor(name: string, args: ScalingTokenArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("llm:common:ScalingToken", name, {}, opts);
    if (args.value !== undefined) this.value = pulumi.secret(args.value);
    else {
      // No special characters: the token travels in an HTTP header and an env var unquoted.
      const password = new random.RandomPassword(
        `${name}-value`,
        { length: 48, special: false },
        { parent: this },
      );
      this.value = pulumi.secret(password.result);
    }
    this.registerOutputs({ value: this.value });
  }
}

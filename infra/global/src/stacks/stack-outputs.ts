import { type StackOutputs, stackOutputs } from "@llm/contracts";
import * as pulumi from "@pulumi/pulumi";

/** Keys of the shared output shape; a cloud stack may export more, which the router ignores. */
const SHARED_KEYS = Object.keys(stackOutputs.def.shape);

/**
 * Validates one cloud stack's outputs against the shared schema, keeping only its keys.
 * Errors name the stack and the field, never a value (outputs hold secrets).
 */
export function parseStackOutputs(stack: string, raw: Record<string, unknown>): StackOutputs {
  const picked = Object.fromEntries(Object.entries(raw ?? {}).filter(([k]) => SHARED_KEYS.includes(k)));
  const parsed = stackOutputs.safeParse(picked);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message.replace(/received .*/i, "")}`,
    );
    throw new Error(`stack ${stack} does not export the shared output shape: ${fields.join("; ")}`);
  }
  return parsed.data;
}

/** A cloud stack read through a StackReference, its outputs validated. */
export interface CloudStackRef {
  name: string;
  ref: pulumi.StackReference;
  /** The validated outputs; secret because they carry the kubeconfig and HMAC secret. */
  outputs: pulumi.Output<StackOutputs>;
}

/** Opens a StackReference per cloud stack and validates what it exports. */
export function readCloudStacks(names: string[], parent?: pulumi.Resource): CloudStackRef[] {
  return names.map((name) => {
    const ref = new pulumi.StackReference(`ref-${name.replace(/[^a-zA-Z0-9-]/g, "-")}`, { name }, { parent });
    const outputs = pulumi.secret(ref.outputs.apply((o) => parseStackOutputs(name, o)));
    return { name, ref, outputs };
  });
}

/**
 * JSON Schema -> the schema dialect node-llama-cpp turns into a grammar (`GbnfJsonSchema`).
 *
 * What node-llama-cpp 3.22 enforces (read from dist/utils/gbnfJson/utils/getGbnfJsonTerminalForGbnfJsonSchema.js):
 * `type` (string, number, integer, boolean, null, object, array; a list only of the first five),
 * `const`/`enum` of primitives, `oneOf` (as "any of": no exclusivity), strings' `minLength`/`maxLength`
 * or `format` date | time | date-time, objects' `properties` (always all of them, so `required` holds)
 * `additionalProperties` `minProperties` `maxProperties`, arrays' `items` `prefixItems` `minItems`
 * `maxItems`, and `$ref` to `#/$defs/...`. Anything else it silently drops or turns into `null`
 * (`anyOf` and `{"type":"objekt"}` both became `null`), which is why this translation exists: it maps
 * what can be enforced, and for every other keyword either fails (strict) or records it as dropped,
 * leaving the check to ajv. The grammar may produce a subset of what the schema allows, never more,
 * except where a keyword was dropped.
 */
import type { GbnfJsonSchema } from "node-llama-cpp";

type Node = Record<string, unknown>;

/** A keyword the grammar cannot enforce, under strict mode. */
export class UnenforceableKeywordError extends Error {
  override name = "UnenforceableKeywordError";
  constructor(
    /** JSON pointer of the keyword inside the schema, e.g. `#/properties/v/pattern`. */
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Keywords that only describe; nothing to enforce. */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "$schema",
  "$id",
  "$comment",
  "$anchor",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
const STRING_FORMATS = new Set(["date", "time", "date-time"]);
const BY_TYPE: Record<string, readonly string[]> = {
  string: ["minLength", "maxLength", "format", "pattern", "contentEncoding", "contentMediaType"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  object: [
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
  ],
  array: [
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
  ],
};
BY_TYPE.integer = BY_TYPE.number as readonly string[];
const TYPED_KEYWORDS = new Set(Object.values(BY_TYPE).flat());

/** Any JSON value (array items without a schema are any value in node-llama-cpp). */
const ANY: GbnfJsonSchema = {
  oneOf: [
    { type: ["string", "number", "boolean", "null"] },
    { type: "object", additionalProperties: true },
    { type: "array" },
  ],
};

export interface Translation {
  schema: GbnfJsonSchema;
  /** JSON pointers of the keywords the grammar does not enforce (empty under strict). */
  dropped: string[];
}

class Walker {
  readonly dropped: string[] = [];
  constructor(private readonly strict: boolean) {}

  skip(path: string, keyword: string, reason: string): void {
    const at = keyword ? `${path}/${keyword}` : path;
    if (this.strict) throw new UnenforceableKeywordError(at, reason);
    this.dropped.push(at);
  }

  node(value: unknown, path: string): GbnfJsonSchema {
    if (value === true || value === undefined) return ANY;
    if (value === false || typeof value !== "object" || value === null || Array.isArray(value)) {
      this.skip(path, "", "a schema that accepts nothing cannot be generated");
      return ANY;
    }
    const n = value as Node;
    const out: Record<string, unknown> = {};
    if (typeof n.description === "string") out.description = n.description;
    const handled = new Set<string>(ANNOTATIONS);
    if (path === "#") handled.add("$defs").add("definitions");
    const result = this.shape(n, path, handled);
    for (const key of Object.keys(n)) {
      if (handled.has(key) || key.startsWith("x-")) continue;
      this.skip(path, key, `"${key}" cannot be enforced by the grammar here`);
    }
    return { ...out, ...result } as GbnfJsonSchema;
  }

  /** The grammar schema of one node; marks the keywords it enforced (or that do not apply) in `handled`. */
  private shape(n: Node, path: string, handled: Set<string>): GbnfJsonSchema {
    if (typeof n.$ref === "string") {
      handled.add("$ref");
      const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(n.$ref);
      if (m) return { $ref: `#/$defs/${m[2]}` } as GbnfJsonSchema;
      this.skip(path, "$ref", `only references to "#/$defs/<name>" can be enforced`);
      return ANY;
    }
    if (n.const !== undefined || Array.isArray(n.enum)) return this.literals(n, path, handled);
    if (Array.isArray(n.anyOf) || Array.isArray(n.oneOf)) {
      const key = Array.isArray(n.anyOf) ? "anyOf" : "oneOf";
      handled.add(key);
      // The grammar's alternatives are "any of"; "exactly one of" is left to ajv.
      if (key === "oneOf") this.skip(path, "oneOf", "exclusivity of oneOf cannot be enforced; use anyOf");
      const alts = (n[key] as unknown[]).map((s, i) => this.node(s, `${path}/${key}/${i}`));
      return { oneOf: alts } as GbnfJsonSchema;
    }
    if (Array.isArray(n.allOf) && n.allOf.length === 1) {
      handled.add("allOf");
      return this.node(n.allOf[0], `${path}/allOf/0`);
    }
    const types = this.types(n, handled);
    if (types === undefined) return ANY;
    for (const k of TYPED_KEYWORDS) if (!types.some((t) => BY_TYPE[t]?.includes(k))) handled.add(k);
    const branches = types.map((t) => this.typed(t, n, path, handled));
    if (branches.length === 1) return branches[0] as GbnfJsonSchema;
    return { oneOf: branches } as GbnfJsonSchema;
  }

  private literals(n: Node, path: string, handled: Set<string>): GbnfJsonSchema {
    // `type` next to const/enum is implied by the values (ajv checks that they agree).
    handled.add("const").add("enum").add("type");
    const isPrimitive = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);
    if (n.const !== undefined) {
      if (isPrimitive(n.const)) return { const: n.const } as GbnfJsonSchema;
      this.skip(path, "const", "only string, number, boolean or null constants can be enforced");
      return ANY;
    }
    const values = n.enum as unknown[];
    if (values.every(isPrimitive)) return { enum: values } as GbnfJsonSchema;
    this.skip(path, "enum", "only string, number, boolean or null enum values can be enforced");
    return ANY;
  }

  /** The node's types: from `type`, else inferred from type-specific keywords; undefined = any value. */
  private types(n: Node, handled: Set<string>): string[] | undefined {
    handled.add("type");
    if (typeof n.type === "string") return [n.type];
    if (Array.isArray(n.type)) return n.type as string[];
    // No `type`: generating the one type its keywords describe is a subset of what the schema allows.
    for (const t of ["object", "array", "string", "number"]) if (BY_TYPE[t]?.some((k) => k in n)) return [t];
    return undefined;
  }

  private typed(t: string, n: Node, path: string, handled: Set<string>): GbnfJsonSchema {
    const take = (k: string) => {
      handled.add(k);
      return n[k];
    };
    if (t === "object") return this.object(path, take);
    if (t === "array") return this.array(path, take);
    if (t === "string") {
      const format = take("format");
      const min = take("minLength");
      const max = take("maxLength");
      if (take("pattern") !== undefined) this.skip(path, "pattern", "regular expressions cannot be enforced");
      if (format !== undefined) {
        if (typeof format === "string" && STRING_FORMATS.has(format)) {
          if (min !== undefined) this.skip(path, "minLength", "minLength cannot be enforced with format");
          if (max !== undefined) this.skip(path, "maxLength", "maxLength cannot be enforced with format");
          return { type: "string", format } as GbnfJsonSchema;
        }
        this.skip(path, "format", `only the formats ${[...STRING_FORMATS].join(", ")} can be enforced`);
      }
      return { type: "string", minLength: min, maxLength: max } as GbnfJsonSchema;
    }
    if (t === "number" || t === "integer") {
      for (const k of BY_TYPE.number ?? [])
        if (take(k) !== undefined) this.skip(path, k, `numeric bounds (${k}) cannot be enforced`);
      return { type: t };
    }
    if (t === "boolean" || t === "null") return { type: t };
    this.skip(path, "type", `unknown type "${t}"`);
    return ANY;
  }

  private object(path: string, take: (k: string) => unknown): GbnfJsonSchema {
    const props = (take("properties") ?? {}) as Record<string, unknown>;
    const properties: Record<string, GbnfJsonSchema> = {};
    for (const [k, v] of Object.entries(props)) properties[k] = this.node(v, `${path}/properties/${k}`);
    const required = (take("required") ?? []) as string[];
    // The grammar writes every listed property, so `required` holds unless it names an unlisted one.
    for (const r of required)
      if (!(r in props)) this.skip(path, "required", `required "${r}" is not among the properties`);
    const extra = take("additionalProperties");
    const additionalProperties =
      extra === undefined
        ? Object.keys(props).length === 0 // `{"type":"object"}` alone: any object, not only `{}`
        : typeof extra === "boolean"
          ? extra
          : this.node(extra, `${path}/additionalProperties`);
    return {
      type: "object",
      properties,
      additionalProperties,
      minProperties: take("minProperties"),
      maxProperties: take("maxProperties"),
    } as GbnfJsonSchema;
  }

  private array(path: string, take: (k: string) => unknown): GbnfJsonSchema {
    const items = take("items");
    const prefix = take("prefixItems");
    const out: Record<string, unknown> = {
      type: "array",
      minItems: take("minItems"),
      maxItems: take("maxItems"),
    };
    if (Array.isArray(items)) {
      // draft-07 tuple form.
      out.prefixItems = items.map((s, i) => this.node(s, `${path}/items/${i}`));
    } else if (items !== undefined) out.items = this.node(items, `${path}/items`);
    if (Array.isArray(prefix))
      out.prefixItems = prefix.map((s, i) => this.node(s, `${path}/prefixItems/${i}`));
    return out as GbnfJsonSchema;
  }
}

/** Translates a (valid) JSON schema; strict throws UnenforceableKeywordError at the first keyword it cannot enforce. */
export function translateSchema(schema: Record<string, unknown>, strict: boolean): Translation {
  const w = new Walker(strict);
  const root = w.node(schema, "#");
  const defs: Record<string, GbnfJsonSchema> = {};
  for (const key of ["definitions", "$defs"] as const) {
    const group = schema[key];
    if (group && typeof group === "object")
      for (const [name, def] of Object.entries(group)) defs[name] = w.node(def, `#/${key}/${name}`);
  }
  const out = Object.keys(defs).length > 0 ? ({ ...root, $defs: defs } as GbnfJsonSchema) : root;
  return { schema: out, dropped: w.dropped };
}

export * from "./admin-keys.js";
export * from "./build.js";
export * from "./duration.js";
export * from "./policies.js";
export * from "./replicas.js";
export * from "./responses.js";
export * from "./schema.js";
export * from "./tenants.js";

export * from "./auth/hmac.js";
export * from "./openai/errors.js";
export * from "./openai/schemas.js";
export * from "./openai/validation.js";
export * from "./pricing/reference.js";
export * from "./prometheus/text.js";
export * from "./router-config/index.js";
export * from "./stack-outputs/schema.js";

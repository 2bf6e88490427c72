export * from "./build.js";
export * from "./types.js";

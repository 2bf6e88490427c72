export * from "./browser.js";
export * from "./html.js";
export * from "./spec.js";

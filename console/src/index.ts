// @llm/console: the router's web console. The router imports `loadConsoleAssets` and serves the
// result under /ui (router/src/ui); the browser app itself lives in src/app and is bundled by esbuild.
export { type ConsoleAsset, type ConsoleAssets, type LoadOptions, loadConsoleAssets } from "./assets.js";
export { type BundleOptions, bundleConsole, type ConsoleFiles, consoleDir } from "./build/bundle.js";

import { type ConsoleAsset, type ConsoleAssets, loadConsoleAssets } from "@llm/console";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";

export interface UiRouterOptions {
  /** Where the assets come from. Defaults to `loadConsoleAssets()` (console/dist, else an in-memory build). */
  load?: () => Promise<ConsoleAssets>;
  logger?: Logger;
}

/**
 * Same-origin only: the console talks to this router and nothing else, loads no CDN script, font or
 * image. `style-src 'self'` still lets scripts set element styles through the CSSOM (uPlot and Preact
 * do), which CSP does not govern; only `style="..."` markup and inline <style> are refused.
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

function send(req: Request, res: Response, asset: ConsoleAsset): void {
  res.setHeader("content-type", asset.contentType);
  res.setHeader("content-security-policy", UI_CSP);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("x-frame-options", "DENY");
  // index.html is revalidated on every load; app.js/app.css are referenced as `?v=<hash>` by it, so
  // a versioned URL never changes content and may be cached for a year.
  const versioned = asset.immutable && typeof req.query.v === "string" && `"${req.query.v}"` === asset.etag;
  res.setHeader("cache-control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
  res.setHeader("etag", asset.etag);
  if (req.headers["if-none-match"] === asset.etag) {
    res.status(304).end();
    return;
  }
  res.setHeader("content-length", asset.body.byteLength);
  if (req.method === "HEAD") res.end();
  else res.end(asset.body);
}

/**
 * `GET /ui` (and `/ui/`): the console's page; `GET /ui/app.js`, `/ui/app.css`: its assets. The page is
 * public (it holds no data); everything it shows comes from the API with the key the user logs in with.
 * Assets are loaded once, on the first request, so a router that nobody opens the console on never
 * reads or builds them.
 */
export function createUiRouter(opts: UiRouterOptions = {}): Router {
  let assets: Promise<ConsoleAssets> | undefined;
  const load = () => {
    assets ??= (opts.load ?? loadConsoleAssets)().catch((err: unknown) => {
      assets = undefined; // a later request retries (e.g. after `scripts/setup.sh` built dist/)
      throw err;
    });
    return assets;
  };
  const r = express.Router();
  r.use("/ui", async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    try {
      const a = await load();
      const name = req.path.replace(/^\/+/, "");
      if (name === "" || name === "index.html") return send(req, res, a.index);
      const asset = a.get(name);
      if (asset) return send(req, res, asset);
      next(); // the 404 handler answers
    } catch (err) {
      opts.logger?.error({ err }, "console assets unavailable");
      next(err);
    }
  });
  return r;
}

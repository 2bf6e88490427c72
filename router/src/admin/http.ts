import { HttpError } from "@llm/contracts";
import type { NextFunction, Request, Response } from "express";
import type { Principal } from "./principal.js";

/** The caller the admin middleware resolved (router.ts puts it in `res.locals`). */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HttpError(401, "A valid admin API key is required", { code: "invalid_api_key" });
  return p;
}

/** An async handler whose rejections reach express's error handler (one error shape). */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void> | void) =>
  async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res);
    } catch (err) {
      next(err);
    }
  };

export const notFound = (what: string, id: string, param: string) =>
  new HttpError(404, `No ${what} '${id}'`, { code: "not_found", param });

export const readOnly = (what: string, id: string) =>
  new HttpError(409, `${what} '${id}' is defined in the config file; change it there`, { code: "read_only" });

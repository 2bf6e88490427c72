import { request } from "undici";
import type { StateStore } from "../state/types.js";
import type { ScopedBudget } from "./limit-specs.js";
import type { Period } from "./periods.js";

/** A soft budget threshold crossed: logged as `budget.alert`, and POSTed to `alertWebhook` when set. */
export interface BudgetAlert {
  event: "budget.alert";
  scope: string;
  period: Period;
  threshold: number;
  limitUsd: number;
  spentUsd: number;
}

export type AlertSink = (alert: BudgetAlert, webhook?: string) => Promise<void>;

/** POSTs the alert as JSON; failures are logged by the caller and never affect the request. */
export const webhookSink: AlertSink = async (alert, webhook) => {
  if (!webhook) return;
  const res = await request(webhook, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alert),
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  await res.body.dump();
};

/**
 * Fires each threshold once per period: when this settlement moved spend across it, and the
 * store's set-once key (shared across replicas) was not already taken.
 */
export async function checkAlerts(
  store: StateStore,
  budgets: readonly ScopedBudget[],
  spentAfter: number[],
  charged: number,
  logger?: { warn(obj: object, msg?: string): void },
  sink: AlertSink = webhookSink,
  /** Told of every alert fired (the event bus's `budget.alert`); must not throw or block. */
  onAlert?: (alert: BudgetAlert) => void,
): Promise<void> {
  for (let i = 0; i < budgets.length; i++) {
    const b = budgets[i]!;
    const after = spentAfter[i] ?? 0;
    if (b.limit === undefined || b.limit <= 0 || !b.budget) continue;
    const before = after - charged;
    for (const threshold of b.budget.alertThresholds) {
      const line = threshold * b.limit;
      if (!(before < line && after >= line)) continue;
      if (!(await store.setOnce(`alert:${b.key}:${threshold}`, b.ttlSec))) continue;
      const alert: BudgetAlert = {
        event: "budget.alert",
        scope: b.scope,
        period: b.period,
        threshold,
        limitUsd: b.limit,
        spentUsd: after,
      };
      onAlert?.(alert);
      logger?.warn(
        alert,
        `budget alert: ${b.scope} spent ${Math.round(threshold * 100)}% of its ${b.period} limit`,
      );
      // Not awaited: the settlement that crossed the line never waits on the receiver (the
      // router's sink only queues it, webhooks/dispatcher.ts; the default POSTs in the background).
      void sink(alert, b.budget.alertWebhook).catch((err: Error) =>
        logger?.warn(
          { event: "budget.alert.webhook_failed", scope: b.scope, error: err.message },
          "alert webhook failed",
        ),
      );
    }
  }
}

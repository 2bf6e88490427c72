import type { RouterError } from "../http/errors.js";
import type { Requirements } from "../requirements/requirements.js";

/** A chat completion request (OpenAI shape; the router validates the details). */
export interface ChatRequest {
  model: string;
  messages: { role: string; content: unknown; [extra: string]: unknown }[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  [extra: string]: unknown;
}

/** The router's (OpenAI's) non-streamed chat completion. */
export interface ChatCompletion {
  id: string;
  object: string;
  model: string;
  choices: {
    index: number;
    message: { role: string; content: string | null };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  [extra: string]: unknown;
}

export type JobStatus = "queued" | "running" | "completed" | "failed";

/** One submitted request and, once finished, its outcome. */
export interface Job {
  id: string;
  status: JobStatus;
  request: ChatRequest;
  requirements: Requirements;
  /** Headers sent to the router for the requirements. */
  headers: Record<string, string>;
  /** The completion, when `status` is `completed`. */
  result?: ChatCompletion;
  /** The last error, when `status` is `failed`. */
  error?: RouterError;
  /** Target that served (or last failed) the request. */
  target?: string;
  /** Router's reason for the target (`failover` means another target failed first). */
  reason?: string;
  /** Cost reported by the router (`x-router-cost-usd`), when it reports one. */
  costUsd?: number;
  /** HTTP attempts made (retries included). */
  attempts: number;
  /** Wall time from start of the first attempt to the end (ms). */
  latencyMs?: number;
}

/** Event payloads of RouterClient. */
export interface RouterClientEvents {
  "job:completed": [job: Job];
  "job:failed": [job: Job];
  /** A target failed: the job's error, or a failover the router absorbed (`recovered: true`). */
  "provider:failure": [
    info: {
      jobId: string;
      target?: string;
      status: number;
      code: string | null;
      message: string;
      recovered: boolean;
    },
  ];
  /** Known spend crossed `costThresholdUsd` (emitted once per client). */
  "cost:threshold": [info: { spentUsd: number; thresholdUsd: number; source: "jobs" | "usage" }];
}

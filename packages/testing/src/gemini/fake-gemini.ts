import { type FakeServer, startFake } from "../http/fake-server.js";
import { sse } from "../http/sse.js";

/**
 * A fake Gemini API: generateContent, streamGenerateContent?alt=sse, batchEmbedContents.
 * Refuses requests without `x-goog-api-key` and any request carrying `key=` in the URL.
 * `streamEvents` replaces the default streamed events (each one a GenerateContentResponse), so a
 * test can stream function calls or thought parts (with `thoughtSignature`, as Gemini 2.5/3 send
 * them). `requireThoughtSignatures` acts like Gemini 3: a model turn whose first functionCall part
 * lacks its `thoughtSignature` is a 400 (ai.google.dev/gemini-api/docs/thought-signatures).
 */
export function startFakeGemini(
  opts: {
    finishReason?: string;
    streamEvents?: unknown[] /** generateContent reply parts. */;
    parts?: unknown[];
    requireThoughtSignatures?: boolean;
  } = {},
): Promise<FakeServer> {
  return startFake((req, res) => {
    const fail = (status: number, grpc: string, message: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: status, message, status: grpc } }));
    };
    if (/[?&]key=/.test(req.url)) return fail(400, "INVALID_ARGUMENT", "API key must not be in the URL");
    if (!req.headers["x-goog-api-key"]) return fail(403, "PERMISSION_DENIED", "missing key");
    const unsigned = opts.requireThoughtSignatures ? unsignedCall(req.body) : undefined;
    if (unsigned)
      return fail(
        400,
        "INVALID_ARGUMENT",
        `Function call is missing a thought_signature in functionCall parts. Additional data, function call \`${unsigned.name}\` , position ${unsigned.position}.`,
      );
    const m = /^\/v1beta\/models\/([^:/]+):(\w+)(\?alt=sse)?$/.exec(req.url);
    if (!m) return fail(404, "NOT_FOUND", `no route ${req.url}`);
    const [, model, method, alt] = m;
    const finishReason = opts.finishReason ?? "STOP";
    if (method === "generateContent") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          candidates: [
            { index: 0, content: { role: "model", parts: opts.parts ?? [{ text: "Hello" }] }, finishReason },
          ],
          usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 },
          modelVersion: model,
          responseId: "resp-1",
        }),
      );
    } else if (method === "streamGenerateContent" && alt && opts.streamEvents) {
      sse(
        res,
        opts.streamEvents.map((data) => ({ data })),
      );
    } else if (method === "streamGenerateContent" && alt) {
      sse(res, [
        {
          data: {
            candidates: [{ index: 0, content: { role: "model", parts: [{ text: "Hel" }] } }],
            responseId: "resp-1",
          },
        },
        {
          data: {
            candidates: [{ index: 0, content: { role: "model", parts: [{ text: "lo" }] }, finishReason }],
            usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 },
            responseId: "resp-1",
          },
        },
      ]);
    } else if (method === "batchEmbedContents") {
      const requests = req.body.requests as unknown[];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ embeddings: requests.map((_, i) => ({ values: [i, 0.5, 0.25] })) }));
    } else fail(404, "NOT_FOUND", "unknown method");
  });
}

/** The first model turn's leading functionCall part without a thoughtSignature, as Gemini 3 names it. */
function unsignedCall(body: unknown): { name: string; position: number } | undefined {
  const contents = (body as { contents?: { role?: string; parts?: Record<string, unknown>[] }[] })?.contents;
  for (const [i, c] of (contents ?? []).entries()) {
    if (c.role !== "model") continue;
    const call = c.parts?.find((p) => p.functionCall);
    if (call && !call.thoughtSignature)
      return { name: String((call.functionCall as { name?: unknown }).name), position: i + 1 };
  }
  return undefined;
}

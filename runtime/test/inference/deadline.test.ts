import { HttpError } from "@llm/contracts";
import { requestDeadline } from "../../src/inference/deadline.js";
import { ClientGoneError } from "../../src/inference/errors.js";

describe("request deadline", () => {
  it("aborts with the client's reason when the client goes, and reports it instead of the error it caused", () => {
    const client = new AbortController();
    const d = requestDeadline(client.signal, 60_000);
    expect(d.reason("other")).toBe("other");
    client.abort(new ClientGoneError());
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBeInstanceOf(ClientGoneError);
    expect(d.reason(new Error("aborted"))).toBe(d.signal.reason);
    d.dispose();
  });

  it("is aborted at once for a client that already left", () => {
    const client = new AbortController();
    client.abort();
    const d = requestDeadline(client.signal, 60_000);
    expect(d.signal.aborted).toBe(true);
    d.dispose();
  });

  it("aborts with a 504 timeout when the deadline passes", async () => {
    const d = requestDeadline(new AbortController().signal, 10);
    await new Promise((r) => d.signal.addEventListener("abort", r, { once: true }));
    expect(d.signal.reason).toBeInstanceOf(HttpError);
    expect(d.signal.reason).toMatchObject({
      status: 504,
      code: "timeout",
      message: "Request timed out after 10 ms",
    });
    d.dispose();
  });

  it("leaves nothing behind once disposed: no timer, no client listener", async () => {
    const client = new AbortController();
    const d = requestDeadline(client.signal, 10);
    d.dispose();
    client.abort();
    await new Promise((r) => setTimeout(r, 30));
    expect(d.signal.aborted).toBe(false);
  });
});

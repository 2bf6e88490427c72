import { StopStringMatcher } from "../../src/engine/stop-strings.js";

function run(stops: string[], chunks: string[]) {
  const out: string[] = [];
  const m = new StopStringMatcher(stops, (t) => out.push(t));
  let stoppedAt = -1;
  for (const [i, c] of chunks.entries()) {
    if (m.push(c)) {
      stoppedAt = i;
      break;
    }
  }
  m.flush();
  return { out, text: m.text, stoppedAt, stopped: m.stopped };
}

describe("StopStringMatcher", () => {
  it("matches a stop string split across chunks and never emits any of it", () => {
    const r = run([" thi"], ["Once", " t", "hi", "s"]);
    expect(r).toMatchObject({ text: "Once", stoppedAt: 2, stopped: true });
    expect(r.out.join("")).toBe("Once");
  });

  it("holds back a possible start and releases it when it does not grow into a stop string", () => {
    const out: string[] = [];
    const m = new StopStringMatcher(["n "], (t) => out.push(t));
    m.push("the n");
    expect(out.join("")).toBe("the ");
    m.push("ext");
    expect(out.join("")).toBe("the next");
  });

  it("stops at the earliest of several stop strings and flushes the tail at the end otherwise", () => {
    expect(run(["b c", " "], ["ab", " c"]).text).toBe("a");
    expect(run(["xyz"], ["abx", "y"])).toMatchObject({ text: "abxy", stopped: false });
  });
});

import path from "node:path";
import { resolveModel } from "../../src/index.js";
import { tinyModel } from "../helpers.js";

describe("model source resolution", () => {
  it("takes an existing file as is, named after the file", async () => {
    const file = await tinyModel();
    expect(await resolveModel(file)).toEqual({ path: file, name: "tiny-s1" });
  });

  it("generates a gen:// URI", async () => {
    const r = await resolveModel("gen://tiny?seed=1");
    expect(r.path).toBe(await tinyModel());
  });

  it("resolves a generated catalog model by name and keeps the catalog name", async () => {
    const r = await resolveModel("gen-tiny");
    expect(r.name).toBe("gen-tiny");
    expect(path.basename(r.path)).toBe("tiny-s1.gguf");
  });

  it("rejects something that is neither a file nor a catalog name, naming --model", async () => {
    await expect(resolveModel("no-such-model")).rejects.toThrow('--model: "no-such-model" is neither');
  });

  it("takes a generator preset by name (what pnpm start calls tiny) and serves it under that name", async () => {
    expect(await resolveModel("tiny")).toEqual({ path: await tinyModel(), name: "tiny" });
  });

  it("lists the presets when nothing matches", async () => {
    await expect(resolveModel("tiny-xl")).rejects.toThrow(/nor a generated preset \(tiny, .*tinyllama-q4_0/);
  });
});

import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";

/** Extracts the named entries of a zip file under `outDir`, keeping their relative paths. */
export async function extractEntries(zipPath: string, outDir: string, names: string[]): Promise<void> {
  const wanted = new Set(names);
  const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
    yauzl.open(zipPath, { lazyEntries: true }, (err, z) => (err || !z ? rej(err) : res(z))),
  );
  await new Promise<void>((res, rej) => {
    zip.on("error", rej);
    zip.on("end", () =>
      wanted.size === 0 ? res() : rej(new Error(`missing in zip: ${[...wanted].join(", ")}`)),
    );
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!wanted.has(entry.fileName)) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return rej(err);
        const target = join(outDir, entry.fileName);
        mkdirSync(dirname(target), { recursive: true });
        pipeline(stream, createWriteStream(target))
          .then(() => {
            wanted.delete(entry.fileName);
            zip.readEntry();
          })
          .catch(rej);
      });
    });
    zip.readEntry();
  });
  zip.close();
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { chromiumPath, niceTicks, percentAxisMin, renderReport } from "../../src/report/index.js";

describe("axis ticks and ranges", () => {
  it("puts ticks on round values covering the data", () => {
    expect(niceTicks(0, 0.00038, 5)).toEqual({
      lo: 0,
      hi: 0.0004,
      step: 0.0001,
      values: [0, 0.0001, 0.0002, 0.0003, 0.0004],
    });
    expect(niceTicks(843, 2963, 5).values).toEqual([500, 1000, 1500, 2000, 2500, 3000]);
    expect(niceTicks(95, 100, 5).values).toEqual([95, 96, 97, 98, 99, 100]);
    expect(niceTicks(-100, 100, 5).step).toBe(50);
  });

  it("starts a percentage axis above 0 only when every value is above 90 %", () => {
    expect(percentAxisMin([96.7, 98.3, 100])).toBe(95);
    expect(percentAxisMin([100, 100])).toBe(95);
    expect(percentAxisMin([91, 99])).toBe(90);
    expect(percentAxisMin([55, 100])).toBe(0);
  });
});

type Box = { x: number; y: number; width: number; height: number; text: string; cls: string };

describe("charts drawn in Chromium", () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-charts-"));
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("draws labels that do not overlap, ticks on round values, and a success axis from 95 %", async () => {
    const runs = [
      "baseline",
      "hybrid",
      "cost",
      "latency",
      "cluster_first",
      "external_first",
      "hybrid+failure",
    ];
    const html = renderReport({
      title: "t",
      sections: [
        {
          title: "c",
          charts: [
            {
              kind: "bars",
              id: "runs",
              title: "seven runs with long names",
              unit: "$ / 1K tokens",
              digits: 5,
              categories: runs,
              series: [
                { name: "$/1K", values: [0.00127, 0.00066, 0.0007, 0.00191, 0.00066, 0.00127, 0.00123] },
              ],
            },
            {
              kind: "bars",
              id: "success",
              title: "success rate",
              unit: "%",
              digits: 1,
              yMin: percentAxisMin([98.3, 96.7, 100]),
              categories: ["aws-t4-spot", "gcp-cpu", "openai-gpt-4o-mini"],
              series: [{ name: "success", values: [98.3, 96.7, 100] }],
            },
            {
              kind: "lines",
              id: "cdf",
              title: "latency cdf",
              xLabel: "latency (ms)",
              yLabel: "fraction of requests",
              step: true,
              series: [
                {
                  name: "a",
                  points: [
                    [843, 0.1],
                    [1400, 0.6],
                    [2963, 1],
                  ],
                },
              ],
            },
            {
              kind: "lines",
              id: "curve",
              title: "saving by volume",
              xLabel: "tokens per day",
              yLabel: "saving %",
              xScale: "log",
              yMin: -100,
              yMax: 100,
              series: [
                {
                  name: "s",
                  points: [
                    [10_000, -100],
                    [1e6, -20],
                    [2e7, 60],
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const file = join(dir, "charts.html");
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-charts-drawn='4']");
    for (const id of ["runs", "success", "cdf", "curve"]) {
      const { boxes, view } = await page.$eval(`svg[data-chart="${id}"]`, (svg) => {
        const vb = (svg as unknown as { viewBox: { baseVal: { width: number; height: number } } }).viewBox
          .baseVal;
        const boxes = [...svg.querySelectorAll("text")].map((t) => {
          // Bounding box in the svg's own coordinates, rotation included.
          const r = t.getBoundingClientRect();
          const s = svg.getBoundingClientRect();
          const k = vb.width / s.width;
          return {
            x: (r.left - s.left) * k,
            y: (r.top - s.top) * k,
            width: r.width * k,
            height: r.height * k,
            text: t.textContent ?? "",
            cls: t.getAttribute("class") ?? "",
          };
        });
        return { boxes, view: { width: vb.width, height: vb.height } };
      });
      const overlap = (a: Box, b: Box) =>
        a.x < b.x + b.width - 0.5 &&
        b.x < a.x + a.width - 0.5 &&
        a.y < b.y + b.height - 0.5 &&
        b.y < a.y + a.height - 0.5;
      // Turned labels have overlapping bounding rectangles by construction; compare each label
      // with the other kinds of text, and level labels with each other.
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const turned = a.cls === "category" && b.cls === "category" && a.height > 14;
          if (!turned && overlap(a, b)) throw new Error(`${id}: "${a.text}" overlaps "${b.text}"`);
        }
      }
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(-0.5);
        expect(b.x + b.width).toBeLessThanOrEqual(view.width + 0.5);
        expect(b.y + b.height).toBeLessThanOrEqual(view.height + 0.5);
      }
      // Ticks on round values: evenly spaced by 1, 2 or 5 × 10^k (log axes: by decades).
      for (const axis of ["y-tick", "x-tick"]) {
        const values = await page.$$eval(`svg[data-chart="${id}"] text.${axis}`, (ts) =>
          ts.map((t) => Number(t.getAttribute("data-value"))),
        );
        if (!values.length) continue;
        const vs = id === "curve" && axis === "x-tick" ? values.map(Math.log10) : values;
        const step = vs[1]! - vs[0]!;
        const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toFixed(6));
        expect([1, 2, 5]).toContain(mantissa);
        for (const v of vs) expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-6);
      }
    }
    const successTicks = await page.$$eval('svg[data-chart="success"] text.y-tick', (ts) =>
      ts.map((t) => Number(t.getAttribute("data-value"))),
    );
    expect(Math.min(...successTicks)).toBe(95);
    await page.close();
  });
});

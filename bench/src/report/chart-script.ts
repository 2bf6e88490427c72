import { niceTicks } from "./spec.js";

/**
 * The inline script that draws every chart as SVG from the embedded JSON specs. It is a string
 * (not a bundled module) because the report must open from file:// with no server and no CDN.
 * Every drawn mark carries data-* attributes so headless-browser tests can check what was drawn.
 *
 * Layout rules (tested by measuring the drawn text in Chromium): ticks sit on round values
 * (`niceTicks`, the same function as in spec.ts, inlined); the left margin grows with the widest
 * tick label so it never runs into the axis title; category labels that do not fit their group
 * are turned 35° (90° when groups are very narrow) and the bottom margin grows to hold them.
 */
export const CHART_SCRIPT = `
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];
  var W = 640, PLOT_H = 228, TOP = 16, RIGHT = 24, CHAR = 6.6, MAX_LABEL = 24;
  // tsx (esbuild keepNames) may wrap functions in __name(); a no-op keeps the inlined source valid.
  var __name = function (f) { return f; };
  var niceTicks = ${niceTicks.toString()};
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el("text", Object.assign({ x: x, y: y, "font-size": 11, fill: "#374151" }, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  function width(s) { return String(s).length * CHAR; }
  function short(s) { return s.length > MAX_LABEL ? s.slice(0, MAX_LABEL - 1) + "\\u2026" : s; }
  function decimalsOf(step) { return Math.max(0, -Math.floor(Math.log10(step) + 1e-9)); }
  function fmt(v, digits) {
    if (Math.abs(v) >= 1000) return v.toFixed(0);
    return v.toFixed(digits);
  }
  function si(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toFixed(2) + "G";
    if (a >= 1e6) return +(v / 1e6).toFixed(2) + "M";
    if (a >= 1e3) return +(v / 1e3).toFixed(2) + "K";
    return String(+v.toFixed(3));
  }
  /** Frame: margins from the label sizes, then the y axis with its round ticks. */
  function frame(svg, y, yLabel, bottom, minLeft) {
    var labels = y.values.map(function (v) { return y.label(v); });
    var left = Math.max(minLeft || 0, 28 + Math.max.apply(null, labels.map(width).concat([24])));
    var M = { l: left, r: RIGHT, t: TOP, b: bottom };
    var H = TOP + PLOT_H + bottom;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    el("line", { x1: M.l, y1: H - M.b, x2: W - M.r, y2: H - M.b, stroke: "#9ca3af" }, svg);
    el("line", { x1: M.l, y1: M.t, x2: M.l, y2: H - M.b, stroke: "#9ca3af" }, svg);
    function py(v) { return H - M.b - (PLOT_H * (Math.min(y.hi, Math.max(y.lo, v)) - y.lo)) / (y.hi - y.lo); }
    y.values.forEach(function (v, i) {
      el("line", { x1: M.l, y1: py(v), x2: W - M.r, y2: py(v), stroke: "#e5e7eb" }, svg);
      text(svg, M.l - 6, py(v) + 4, labels[i], { "text-anchor": "end", class: "tick y-tick", "data-value": String(v) });
    });
    var mid = M.t + PLOT_H / 2;
    text(svg, 12, mid, yLabel, { transform: "rotate(-90 12 " + mid + ")", "text-anchor": "middle", class: "axis-label" });
    return { M: M, H: H, py: py, plotW: W - M.l - M.r };
  }
  function linearAxis(min, max, count) {
    var t = niceTicks(min, max, count);
    var d = decimalsOf(t.step);
    t.label = function (v) { return Math.abs(v) >= 1e4 ? si(v) : v.toFixed(d); };
    return t;
  }
  function legend(fig, names) {
    var box = document.createElement("div");
    box.className = "legend";
    names.forEach(function (n, i) {
      var s = document.createElement("span");
      s.innerHTML = '<i style="background:' + COLORS[i % COLORS.length] + '"></i>';
      s.appendChild(document.createTextNode(n));
      box.appendChild(s);
    });
    fig.appendChild(box);
  }
  function bars(svg, spec, fig) {
    var digits = spec.digits == null ? 2 : spec.digits;
    var all = [];
    spec.series.forEach(function (s) { s.values.forEach(function (v) { if (v != null) all.push(v); }); });
    var yMin = spec.yMin == null ? 0 : spec.yMin;
    var y = linearAxis(yMin, Math.max.apply(null, all.concat([yMin + 1e-9])), 5);
    var cats = spec.categories.map(short);
    // Category labels: level when they fit their group, else turned; the margin holds the turn.
    var approxPlotW = W - 28 - 60 - RIGHT;
    var groupW0 = approxPlotW / Math.max(1, cats.length);
    var widest = Math.max.apply(null, cats.map(width).concat([0]));
    var angle = widest <= groupW0 * 0.9 ? 0 : groupW0 * 0.57 >= 14 ? 35 : 90;
    var bottom = angle === 0 ? 32 : angle === 35 ? 22 + widest * 0.58 : 22 + widest;
    // A turned first label reaches left of its group: the margin keeps it inside the picture.
    // An axis that does not start at 0 says so in its title, where no bar value can collide.
    var f = frame(svg, y, yMin > 0 ? spec.unit + " (axis from " + y.label(y.lo) + ")" : spec.unit, bottom, angle === 35 ? widest * 0.82 - groupW0 * 0.4 + 4 : 0);
    var M = f.M, H = f.H;
    var groupW = f.plotW / Math.max(1, cats.length);
    var barW = (groupW * 0.8) / Math.max(1, spec.series.length);
    var drawn = 0;
    spec.categories.forEach(function (cat, ci) {
      var gx = M.l + ci * groupW + groupW * 0.1, cx = gx + groupW * 0.4, ly = H - M.b + 16;
      var attrs = { "text-anchor": angle ? "end" : "middle", class: "category", "data-angle": String(angle) };
      if (angle) { ly = H - M.b + 12; attrs.transform = "rotate(-" + angle + " " + cx + " " + ly + ")"; }
      var label = text(svg, cx, ly, cats[ci], attrs);
      if (cats[ci] !== cat) el("title", {}, label).textContent = cat;
      spec.series.forEach(function (s, si) {
        var v = s.values[ci];
        if (v == null) return;
        var top = f.py(v), h = H - M.b - top;
        var r = el("rect", {
          x: gx + si * barW, y: top, width: Math.max(1, barW - 2), height: Math.max(0, h),
          fill: COLORS[si % COLORS.length], "data-chart": spec.id, "data-series": s.name,
          "data-category": cat, "data-value": String(v), class: "bar"
        }, svg);
        el("title", {}, r).textContent = cat + " " + s.name + ": " + fmt(v, digits) + " " + spec.unit;
        // A value over its bar only when it fits the bar's width (the tooltip always has it).
        var vs = fmt(v, digits);
        if (spec.series.length === 1 && width(vs) <= groupW * 0.95) text(svg, gx + si * barW + barW / 2, top - 4, vs, { "text-anchor": "middle", class: "value" });
        drawn++;
      });
    });
    if (spec.series.length > 1) legend(fig, spec.series.map(function (s) { return s.name; }));
    return drawn;
  }
  function lines(svg, spec, fig) {
    var log = spec.xScale === "log";
    var xs = [], ys = [];
    spec.series.forEach(function (s) { s.points.forEach(function (p) { if (!log || p[0] > 0) { xs.push(p[0]); ys.push(p[1]); } }); });
    var yLo = spec.yMin != null ? spec.yMin : Math.min.apply(null, ys.concat([0]));
    var yHi = spec.yMax != null ? spec.yMax : Math.max.apply(null, ys.concat([yLo + 1e-9]));
    var y = linearAxis(yLo, yHi, 5);
    var f = frame(svg, y, spec.yLabel, 56);
    var M = f.M, H = f.H;
    var xt;
    if (log) {
      var e0 = Math.floor(Math.log10(xs.length ? Math.min.apply(null, xs) : 1)), e1 = Math.ceil(Math.log10(xs.length ? Math.max.apply(null, xs) : 10));
      if (e1 <= e0) e1 = e0 + 1;
      var every = Math.max(1, Math.ceil((e1 - e0) / 8));
      var vals = [];
      for (var e = e0; e <= e1; e += every) vals.push(Math.pow(10, e));
      xt = { lo: Math.pow(10, e0), hi: Math.pow(10, e1), values: vals, label: si };
    } else {
      // As many round ticks as fit the widest label side by side.
      var lo = Math.min.apply(null, xs.concat([0])), hi = Math.max.apply(null, xs.concat([1]));
      var count = 6;
      for (; count > 1; count--) {
        xt = linearAxis(lo, hi, count);
        var wmax = Math.max.apply(null, xt.values.map(function (v) { return width(xt.label(v)); }));
        if (wmax + 8 <= f.plotW / (xt.values.length - 1 || 1)) break;
      }
      if (count === 1) xt = linearAxis(lo, hi, 1);
    }
    function px(x) {
      if (log) return M.l + (f.plotW * (Math.log10(x) - Math.log10(xt.lo))) / (Math.log10(xt.hi) - Math.log10(xt.lo));
      return M.l + (f.plotW * (x - xt.lo)) / (xt.hi - xt.lo || 1);
    }
    xt.values.forEach(function (v) {
      text(svg, px(v), H - M.b + 20, xt.label(v), { "text-anchor": "middle", class: "tick x-tick", "data-value": String(v) });
    });
    text(svg, M.l + f.plotW / 2, H - 12, spec.xLabel, { "text-anchor": "middle", class: "axis-label" });
    var drawn = 0;
    spec.series.forEach(function (s, si) {
      var pts = s.points.filter(function (p) { return !log || p[0] > 0; });
      if (!pts.length) return;
      var d = "";
      pts.forEach(function (p, pi) {
        if (pi === 0) d += "M" + px(p[0]).toFixed(1) + " " + f.py(p[1]).toFixed(1);
        else if (spec.step) d += "H" + px(p[0]).toFixed(1) + "V" + f.py(p[1]).toFixed(1);
        else d += "L" + px(p[0]).toFixed(1) + " " + f.py(p[1]).toFixed(1);
      });
      el("path", {
        d: d, fill: "none", stroke: COLORS[si % COLORS.length], "stroke-width": 2, class: "line",
        "data-chart": spec.id, "data-series": s.name, "data-points": String(pts.length)
      }, svg);
      drawn++;
    });
    legend(fig, spec.series.map(function (s) { return s.name; }));
    return drawn;
  }
  function draw() {
    var specs = JSON.parse(document.getElementById("chart-data").textContent);
    var total = 0, charts = 0;
    specs.forEach(function (spec) {
      var fig = document.querySelector('figure[data-chart-id="' + spec.id + '"]');
      if (!fig) return;
      var svg = el("svg", { viewBox: "0 0 " + W + " 300", role: "img", "aria-label": spec.title, "data-chart": spec.id });
      fig.appendChild(svg);
      var n = spec.kind === "bars" ? bars(svg, spec, fig) : lines(svg, spec, fig);
      fig.setAttribute("data-drawn", String(n));
      total += n;
      charts++;
    });
    document.body.setAttribute("data-charts-drawn", String(charts));
    document.body.setAttribute("data-marks-drawn", String(total));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
`;

/**
 * The inline script that draws every chart as SVG from the embedded JSON specs. It is a string
 * (not a bundled module) because the report must open from file:// with no server and no CDN.
 * Every drawn mark carries data-* attributes so headless-browser tests can check what was drawn.
 */
export const CHART_SCRIPT = `
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];
  var W = 640, H = 300, M = { l: 64, r: 16, t: 16, b: 56 };
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
  function nice(max) {
    if (!(max > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(max)));
    var f = max / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
  function fmt(v, digits) {
    if (Math.abs(v) >= 1000) return v.toFixed(0);
    return v.toFixed(digits);
  }
  function axes(svg, yMax, yLabel, digits) {
    el("line", { x1: M.l, y1: H - M.b, x2: W - M.r, y2: H - M.b, stroke: "#9ca3af" }, svg);
    el("line", { x1: M.l, y1: M.t, x2: M.l, y2: H - M.b, stroke: "#9ca3af" }, svg);
    for (var i = 0; i <= 4; i++) {
      var v = (yMax * i) / 4, y = H - M.b - ((H - M.t - M.b) * i) / 4;
      el("line", { x1: M.l, y1: y, x2: W - M.r, y2: y, stroke: "#e5e7eb" }, svg);
      text(svg, M.l - 6, y + 4, fmt(v, digits), { "text-anchor": "end" });
    }
    text(svg, 12, M.t + (H - M.t - M.b) / 2, yLabel, { transform: "rotate(-90 12 " + (M.t + (H - M.t - M.b) / 2) + ")", "text-anchor": "middle" });
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
    var yMax = nice(Math.max.apply(null, all.concat([0])));
    axes(svg, yMax, spec.unit, digits);
    var plotW = W - M.l - M.r, plotH = H - M.t - M.b;
    var groupW = plotW / Math.max(1, spec.categories.length);
    var barW = (groupW * 0.8) / Math.max(1, spec.series.length);
    var drawn = 0;
    spec.categories.forEach(function (cat, ci) {
      var gx = M.l + ci * groupW + groupW * 0.1;
      text(svg, gx + groupW * 0.4, H - M.b + 16, cat, { "text-anchor": "middle" });
      spec.series.forEach(function (s, si) {
        var v = s.values[ci];
        if (v == null) return;
        var h = (plotH * v) / yMax;
        var r = el("rect", {
          x: gx + si * barW, y: H - M.b - h, width: Math.max(1, barW - 2), height: Math.max(0, h),
          fill: COLORS[si % COLORS.length], "data-chart": spec.id, "data-series": s.name,
          "data-category": cat, "data-value": String(v), class: "bar"
        }, svg);
        el("title", {}, r).textContent = cat + " " + s.name + ": " + fmt(v, digits) + " " + spec.unit;
        if (spec.series.length === 1) text(svg, gx + si * barW + barW / 2, H - M.b - h - 4, fmt(v, digits), { "text-anchor": "middle" });
        drawn++;
      });
    });
    if (spec.series.length > 1) legend(fig, spec.series.map(function (s) { return s.name; }));
    return drawn;
  }
  function lines(svg, spec, fig) {
    var xs = [], ys = [];
    spec.series.forEach(function (s) { s.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); }); });
    var xMin = Math.min.apply(null, xs.concat([0])), xMax = Math.max.apply(null, xs.concat([1]));
    var yMax = nice(Math.max.apply(null, ys.concat([0])));
    axes(svg, yMax, spec.yLabel, yMax <= 1 ? 2 : 1);
    var plotW = W - M.l - M.r, plotH = H - M.t - M.b;
    function px(x) { return M.l + (plotW * (x - xMin)) / (xMax - xMin || 1); }
    function py(y) { return H - M.b - (plotH * y) / yMax; }
    for (var i = 0; i <= 4; i++) text(svg, px(xMin + ((xMax - xMin) * i) / 4), H - M.b + 16, fmt(xMin + ((xMax - xMin) * i) / 4, 0), { "text-anchor": "middle" });
    text(svg, M.l + plotW / 2, H - 12, spec.xLabel, { "text-anchor": "middle" });
    var drawn = 0;
    spec.series.forEach(function (s, si) {
      if (!s.points.length) return;
      var d = "";
      s.points.forEach(function (p, pi) {
        if (pi === 0) d += "M" + px(p[0]).toFixed(1) + " " + py(p[1]).toFixed(1);
        else if (spec.step) d += "H" + px(p[0]).toFixed(1) + "V" + py(p[1]).toFixed(1);
        else d += "L" + px(p[0]).toFixed(1) + " " + py(p[1]).toFixed(1);
      });
      el("path", {
        d: d, fill: "none", stroke: COLORS[si % COLORS.length], "stroke-width": 2, class: "line",
        "data-chart": spec.id, "data-series": s.name, "data-points": String(s.points.length)
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
      var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": spec.title, "data-chart": spec.id });
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

// The dashboard's charts (xinfang/analytics/templates/analytics/dashboard.html),
// drawn with the vendored Apache ECharts from the data in #analytics-data
// (json_script: no inline script under the CSP). Black and white: bars are
// patterned (ECharts' decals), not told apart by colour, and every bar carries
// its number; the table beside each chart holds the same numbers.
(function () {
  "use strict";
  var source = document.getElementById("analytics-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var ink = "#222";
  var base = {
    animation: false,
    aria: { enabled: true, decal: { show: true } },
    color: ["#555", "#aaa"],
    textStyle: { color: ink },
    grid: { left: 8, right: 48, top: 28, bottom: 8, containLabel: true }
  };

  function bars(el, chart) {
    var labels = chart.labels.slice().reverse();
    var values = chart.values.slice().reverse();
    var option = Object.assign({}, base, {
      xAxis: { type: "value", axisLabel: { color: ink } },
      yAxis: { type: "category", data: labels, axisLabel: { color: ink, width: 140, overflow: "truncate" } },
      series: [{
        type: "bar", data: values, itemStyle: { color: "#666", borderColor: ink, borderWidth: 1 },
        label: { show: true, position: "right", color: ink,
                 formatter: function (p) { return p.value === null ? "—" : p.value + (chart.unit || ""); } }
      }]
    });
    el.style.height = Math.max(120, 28 * labels.length + 40) + "px";
    window.echarts.init(el).setOption(option);
  }

  function declines(el, d) {
    var option = Object.assign({}, base, {
      legend: { data: d.names, top: 0, textStyle: { color: ink } },
      xAxis: { type: "category", data: d.labels, axisLabel: { color: ink } },
      yAxis: { type: "value", axisLabel: { color: ink } },
      series: [
        { name: d.names[0], type: "bar", data: d.current, label: { show: true, position: "top", color: ink },
          itemStyle: { color: "#444", borderColor: ink, borderWidth: 1 } },
        { name: d.names[1], type: "bar", data: d.previous, label: { show: true, position: "top", color: ink },
          itemStyle: { color: "#ddd", borderColor: ink, borderWidth: 1 } }
      ]
    });
    el.style.height = "260px";
    window.echarts.init(el).setOption(option);
  }

  // The map of matters by township: bubbles at each township's longitude and
  // latitude on plain value axes (no tiles, no outline from elsewhere), sized by
  // the matters, each named with its number; a click drills down to the township.
  function map(el, m) {
    var pts = m.points;
    var lngs = pts.map(function (p) { return p.lng; });
    var lats = pts.map(function (p) { return p.lat; });
    var pad = 0.03;
    var largest = Math.max.apply(null, pts.map(function (p) { return p.count; }).concat([1]));
    var option = Object.assign({}, base, {
      grid: { left: 8, right: 80, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: Math.min.apply(null, lngs) - pad, max: Math.max.apply(null, lngs) + pad,
               axisLabel: { color: ink, formatter: function (v) { return v.toFixed(2) + "°E"; } },
               splitLine: { lineStyle: { color: "#ddd", type: "dashed" } } },
      yAxis: { type: "value", min: Math.min.apply(null, lats) - pad, max: Math.max.apply(null, lats) + pad,
               axisLabel: { color: ink, formatter: function (v) { return v.toFixed(2) + "°N"; } },
               splitLine: { lineStyle: { color: "#ddd", type: "dashed" } } },
      series: [{
        type: "scatter", cursor: "pointer",
        data: pts.map(function (p) { return { value: [p.lng, p.lat, p.count], name: p.name, url: p.url }; }),
        symbolSize: function (v) { return 10 + 40 * Math.sqrt(v[2] / largest); },
        itemStyle: { color: "rgba(80,80,80,0.35)", borderColor: ink, borderWidth: 1.5 },
        label: { show: true, position: "right", color: ink, backgroundColor: "rgba(255,255,255,0.8)",
                 formatter: function (p) { return p.name + " " + p.value[2]; } },
        labelLayout: { moveOverlap: "shiftY" },
        labelLine: { show: true, lineStyle: { color: "#888" } }
      }]
    });
    var chart = window.echarts.init(el);
    chart.setOption(option);
    chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
  }
  var mapSource = document.getElementById("analytics-map");
  var mapEl = document.querySelector("[data-map]");
  if (mapSource && mapEl) { map(mapEl, JSON.parse(mapSource.textContent)); }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    if (name === "declines") { declines(el, data.declines); }
    else if (data.charts[name] && data.charts[name].labels.length) { bars(el, data.charts[name]); }
  });
})();

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

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    if (name === "declines") { declines(el, data.declines); }
    else if (data.charts[name] && data.charts[name].labels.length) { bars(el, data.charts[name]); }
  });
})();

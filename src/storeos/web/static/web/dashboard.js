// Dashboard charts: data comes from the page (json_script), drawn with the vendored ECharts.
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("chart-skus-per-category");
  var source = document.getElementById("skus-per-category-data");
  if (!box || !source || !window.echarts) {
    return;
  }
  var rows = JSON.parse(source.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
             axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{
      name: script.dataset.seriesName,
      type: "bar",
      data: rows.map(function (r) { return r.count; }),
      itemStyle: { color: "#1f6f5c" },
      label: { show: true, position: "top" }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

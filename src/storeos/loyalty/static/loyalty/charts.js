// Member charts (monthly spend on the member page, counts on the segments page): figures come
// from the page (json_script), drawn with the vendored ECharts.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!window.echarts) {
    return;
  }
  var charts = [];

  function bar(box, names, values, label, color) {
    var chart = window.echarts.init(box);
    chart.setOption({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: label, type: "bar", data: values, itemStyle: { color: color } }]
    });
    charts.push(chart);
  }

  var spend = document.getElementById("member-spend-data");
  var spendBox = document.getElementById("chart-member-spend");
  if (spend && spendBox) {
    var data = JSON.parse(spend.textContent);
    bar(spendBox, data.months, data.spend.map(Number), script.dataset.spendLabel, "#1f6f5c");
  }

  var counts = document.getElementById("member-segment-data");
  if (counts) {
    var groups = JSON.parse(counts.textContent);
    var label = script.dataset.membersLabel;
    var names = function (rows) { return rows.map(function (r) { return r.name; }); };
    var values = function (rows) { return rows.map(function (r) { return r.value; }); };
    var segmentBox = document.getElementById("chart-segments");
    if (segmentBox) {
      bar(segmentBox, names(groups.segments), values(groups.segments), label, "#1f6f5c");
    }
    var tierBox = document.getElementById("chart-tiers");
    if (tierBox) {
      bar(tierBox, names(groups.tiers), values(groups.tiers), label, "#d08c2a");
    }
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();

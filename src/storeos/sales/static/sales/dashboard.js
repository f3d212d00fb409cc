// Sales dashboard charts: figures come from the page (json_script), drawn with the vendored ECharts.
(function () {
  "use strict";
  var script = document.currentScript;
  var source = document.getElementById("sales-dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var salesLabel = script.dataset.salesLabel;
  var ordersLabel = script.dataset.ordersLabel;
  var amount = function (text) { return Number(text); };
  var charts = [];

  var hourBox = document.getElementById("chart-sales-by-hour");
  if (hourBox) {
    var byHour = window.echarts.init(hourBox);
    byHour.setOption({
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: [salesLabel, ordersLabel], top: 0 },
      xAxis: { type: "category", data: data.hours },
      yAxis: [
        { type: "value", name: "¥" },
        { type: "value", minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: salesLabel, type: "bar", data: data.hourSales.map(amount),
          itemStyle: { color: "#1f6f5c" } },
        { name: ordersLabel, type: "line", yAxisIndex: 1, data: data.hourOrders,
          itemStyle: { color: "#d08c2a" } }
      ]
    });
    charts.push(byHour);
  }

  var channelBox = document.getElementById("chart-sales-by-channel");
  if (channelBox) {
    var byChannel = window.echarts.init(channelBox);
    byChannel.setOption({
      tooltip: { trigger: "item", formatter: "{b}: ¥{c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        name: salesLabel, type: "pie", radius: ["35%", "65%"],
        data: data.channels.map(function (c) { return { name: c.name, value: amount(c.value) }; }),
        label: { formatter: "{b}\n{d}%" }
      }]
    });
    charts.push(byChannel);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();

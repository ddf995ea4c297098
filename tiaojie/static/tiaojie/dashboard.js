/* Statistics dashboard: the four charts from the JSON in #chart-data (no inline script: CSP). */
(function () {
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  function mk(id, opt) { var el = document.getElementById(id); if (!el || !window.echarts) return; var c = echarts.init(el); c.setOption(opt); window.addEventListener("resize", function () { c.resize(); }); }
  mk("chart-trend", {tooltip: {trigger: "axis"}, legend: {data: ["受理", "调解成功"]}, grid: {left: 50, right: 20, bottom: 30},
    xAxis: {type: "category", data: d.months}, yAxis: {type: "value"},
    series: [{name: "受理", type: "line", data: d.accepted}, {name: "调解成功", type: "line", data: d.succeeded}]});
  mk("chart-types", {tooltip: {}, grid: {left: 90, right: 20, bottom: 20}, xAxis: {type: "value"},
    yAxis: {type: "category", data: d.types.slice().reverse()}, series: [{type: "bar", data: d.type_counts.slice().reverse()}]});
  mk("chart-sources", {tooltip: {trigger: "item"}, series: [{type: "pie", radius: "65%", data: d.sources}]});
  mk("chart-kinds", {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "65%"], data: d.kinds}]});
})();

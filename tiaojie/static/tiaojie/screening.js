/* Screening report form: add findings, show the fields that fit each finding's disposition,
   hide findings when the report is a zero report. */
(function () {
  "use strict";
  function sync(row) {
    var checked = row.querySelector("input[name$='-disposition']:checked");
    var v = checked ? checked.value : "hazard";
    row.querySelectorAll(".case-only").forEach(function (el) { el.hidden = v !== "case"; });
    row.querySelectorAll(".hazard-only").forEach(function (el) { el.hidden = v !== "hazard"; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("finding-rows");
    var tpl = document.getElementById("finding-empty");
    var add = document.getElementById("add-finding");
    var zero = document.querySelector("input[name='zero_report']");
    var total = document.querySelector("input[name='findings-TOTAL_FORMS']");
    if (!box || !tpl || !add || !total) return;
    box.querySelectorAll(".finding-row").forEach(sync);
    box.addEventListener("change", function (e) {
      var row = e.target.closest(".finding-row");
      if (row) sync(row);
    });
    function syncZero() {
      var on = zero && zero.checked;
      document.getElementById("findings").hidden = on;
    }
    if (zero) zero.addEventListener("change", syncZero);
    syncZero();
    add.addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      var html = tpl.innerHTML.replace(/findings-__prefix__/g, "findings-" + n).replace(/__num__/g, String(n + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      box.appendChild(row);
      total.value = String(n + 1);
      sync(row);
      var first = row.querySelector("textarea");
      if (first) first.focus();
    });
  });
})();

/* A single finding (补充排查发现): show the fields that fit its disposition. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("finding-rows")) return;  // the report form above handles its rows
    document.querySelectorAll(".finding-row").forEach(function (row) {
      function s() {
        var c = row.querySelector("input[name$='disposition']:checked");
        var v = c ? c.value : "hazard";
        row.querySelectorAll(".case-only").forEach(function (e) { e.hidden = v !== "case"; });
        row.querySelectorAll(".hazard-only").forEach(function (e) { e.hidden = v !== "hazard"; });
      }
      row.addEventListener("change", s);
      s();
    });
  });
})();

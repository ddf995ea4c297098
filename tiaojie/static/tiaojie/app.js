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

/* Behaviour declared in markup (no inline handlers: CSP). Delegated, so it also works for
   fragments that htmx swaps in. data-confirm on a form asks before submitting; a button with
   data-fill-target/data-fill-value puts the value into the field the selector names. */
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
  }, true);
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-fill-target]");
    if (!btn) return;
    var field = document.querySelector(btn.getAttribute("data-fill-target"));
    if (field) {
      field.value = btn.getAttribute("data-fill-value");
      field.dispatchEvent(new Event("change", {bubbles: true}));
    }
  });
})();

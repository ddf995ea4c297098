/* Behaviour declared in markup, shared by the staff pages (base.html) and the people's side
   (public/base.html); no inline handlers (CSP). Delegated, so it also works for fragments that
   htmx or a fetch swaps in.
   - data-confirm on a form asks before submitting;
   - a button with data-fill-target/data-fill-value puts the value into the field the selector
     names (a change event follows, as if typed) and shows itself as taken (class "active"). */
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
    if (!field) return;
    field.value = btn.getAttribute("data-fill-value");
    field.dispatchEvent(new Event("change", {bubbles: true}));
    btn.classList.add("active");
  });
})();

/* 群众端: the signature pad (finger or mouse on a canvas; the PNG goes in a hidden field). */
(function () {
  "use strict";
  function setup() {
    var pad = document.getElementById("sign-pad");
    var form = document.getElementById("sign-form");
    if (!pad || !form) return;
    var field = form.querySelector("input[name='signature']");
    var ctx = pad.getContext("2d");
    var drawing = false, drawn = false, last = null;
    ctx.lineWidth = 4; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
    function point(e) {
      var r = pad.getBoundingClientRect();
      return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
    }
    pad.addEventListener("pointerdown", function (e) {
      e.preventDefault(); drawing = true; last = point(e);
      if (pad.setPointerCapture) pad.setPointerCapture(e.pointerId);
    });
    pad.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      e.preventDefault();
      var p = point(e);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; drawn = true;
    });
    function stop() { drawing = false; }
    pad.addEventListener("pointerup", stop);
    pad.addEventListener("pointercancel", stop);
    pad.addEventListener("pointerleave", stop);
    document.getElementById("sign-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; field.value = "";
    });
    form.addEventListener("submit", function () {
      field.value = drawn ? pad.toDataURL("image/png") : "";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();

/* 群众端: suggestions beside the facts of an application (dispute type, amount); one tap takes
   one (their buttons carry data-fill-target, handled by tiaojie/markup.js). */
(function () {
  "use strict";
  function setup() {
    var box = document.getElementById("apply-help");
    var form = document.getElementById("apply-form");
    if (!box || !form) return;
    var facts = form.querySelector("[name='facts']");
    var claims = form.querySelector("[name='claims']");
    var timer = null, last = null, seq = 0;
    function ask() {
      var text = facts.value.trim();
      if (text === last) return;
      last = text;
      if (!text) { box.innerHTML = ""; return; }
      var mine = ++seq;
      var body = new FormData();
      body.append("facts", text);
      if (claims) body.append("claims", claims.value);
      body.append("csrfmiddlewaretoken", form.querySelector("[name='csrfmiddlewaretoken']").value);
      fetch(box.getAttribute("data-url"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (mine === seq) box.innerHTML = html; })
        .catch(function () { /* no suggestions on a bad connection; the form still works */ });
    }
    facts.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 600); });
    if (facts.value.trim()) ask();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();

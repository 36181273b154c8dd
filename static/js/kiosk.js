// The query terminal (信访事项查询终端): an on-screen keypad, and a return to the
// keypad after a minute without a touch or when the person taps "Done", so that
// nobody sees the previous person's matter. location.replace() drops the result
// from the history, so "Back" cannot bring it back either.
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-home") || "/kiosk/";
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var input = document.getElementById("kiosk-code");
  var form = document.querySelector("[data-kiosk-form]");
  var result = document.querySelector("[data-kiosk-result]");
  var countdown = document.querySelector("[data-countdown]");
  var last = Date.now();

  var reset = function () {
    // Wipe what is on screen first, then load a fresh keypad in place of this page.
    if (result) { result.innerHTML = ""; }
    if (input) { input.value = ""; }
    window.location.replace(home);
  };
  var touched = function () { last = Date.now(); };
  ["pointerdown", "keydown", "touchstart", "wheel", "scroll"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true });
  });
  window.setInterval(function () {
    var left = idleSeconds - Math.floor((Date.now() - last) / 1000);
    var hasSomething = result || (input && input.value) || document.querySelector(".kiosk-error");
    if (countdown) {
      countdown.textContent = left <= 15 ? countdown.getAttribute("data-label-prefix") + " " + Math.max(left, 0) : "";
    }
    if (left <= 0 && hasSomething) { reset(); }
  }, 1000);
  var note = document.querySelector("[data-idle-note]");
  if (note) { note.hidden = false; }

  var done = document.querySelector("[data-kiosk-done]");
  if (done) { done.addEventListener("click", function (ev) { ev.preventDefault(); reset(); }); }
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  if (input && form) {
    var group = function (raw) {
      var s = raw.replace(/[^0-9A-Za-z]/g, "").toUpperCase().slice(0, 13);
      return [s.slice(0, 4), s.slice(4, 8), s.slice(8)].filter(Boolean).join("-");
    };
    Array.prototype.forEach.call(document.querySelectorAll("[data-key]"), function (key) {
      key.addEventListener("click", function () {
        var k = key.getAttribute("data-key");
        var plain = input.value.replace(/-/g, "");
        if (k === "back") { plain = plain.slice(0, -1); }
        else if (k === "clear") { plain = ""; }
        else if (plain.length < 13) { plain += k; }
        input.value = group(plain);
      });
    });
    input.addEventListener("input", function () { input.value = group(input.value); });
    form.addEventListener("submit", function () {
      var b = form.querySelector("button[type=submit]");
      window.setTimeout(function () { if (b) { b.disabled = true; } }, 0);
    });
  }
})();

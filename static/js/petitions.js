// Petition pages: small enhancements only; every form works without this file.
(function () {
  "use strict";
  // Registration: show one petitioner row (and those already filled), add more on demand.
  var box = document.querySelector("[data-petitioners]");
  if (box) {
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-petitioner-row]"));
    var filled = function (row) {
      return Array.prototype.some.call(row.querySelectorAll("input[type=text], input[type=tel], input:not([type])"), function (i) {
        return i.value.trim() !== "";
      }) || row.querySelector(".errorlist");
    };
    var lastShown = 0;
    rows.forEach(function (row, i) { if (filled(row)) { lastShown = i; } });
    rows.forEach(function (row, i) { row.hidden = i > lastShown; });
    if (lastShown < rows.length - 1) {
      var add = document.createElement("button");
      add.type = "button";
      add.className = "button button-small button-quiet";
      add.textContent = box.getAttribute("data-add-label") || "+";
      add.addEventListener("click", function () {
        var next = rows.filter(function (r) { return r.hidden; })[0];
        if (next) { next.hidden = false; var f = next.querySelector("input"); if (f) { f.focus(); } }
        if (!rows.some(function (r) { return r.hidden; })) { add.remove(); }
      });
      box.appendChild(add);
    }
  }
  // Registration: the accused unit only matters for an accusation.
  var accused = document.querySelector("[data-accused]");
  if (accused) {
    var radios = document.querySelectorAll("input[name=purpose]");
    var sync = function () {
      var chosen = document.querySelector("input[name=purpose]:checked");
      accused.hidden = !(chosen && chosen.value === "accusation") && !accused.querySelector(".errorlist");
    };
    Array.prototype.forEach.call(radios, function (r) { r.addEventListener("change", sync); });
    sync();
  }
})();

// The ledger import's progress bar: asks the server for the figures every two
// seconds and shows them; reloads the page once the import has finished or
// stopped (the summary and the download link are then on it). Without this
// file the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.querySelector("[data-ledger-progress]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-ledger-progress");
  var bar = box.querySelector("[data-ledger-bar]");
  function set(name, value) {
    var el = box.querySelector("[data-ledger-" + name + "]");
    if (el) { el.textContent = String(value); }
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { window.setTimeout(tick, 5000); return; }
        bar.max = Math.max(d.total, 1);
        bar.value = d.done;
        set("percent", d.percent);
        set("done", d.done);
        set("total", d.total);
        set("created", d.created);
        set("skipped", d.skipped);
        set("rejected", d.rejected);
        if (d.state === "done" || d.state === "failed") { window.location.reload(); return; }
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 2000);
}());

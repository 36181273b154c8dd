// Daily screening on a phone with a poor connection. The form works without this
// file; with it: one dispute row at a time, the fields that fit the outcome, a
// draft kept on the phone (restored after a reload, cleared once the township has
// the report), and a submit button that cannot be tapped twice.
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; store.getItem("x"); } catch (e) { store = null; }

  // The confirmation page: the report arrived, so the draft is no longer needed.
  var done = document.querySelector("[data-clear-draft]");
  if (done && store) { store.removeItem(done.getAttribute("data-clear-draft")); }

  var print = document.querySelector("[data-print]");
  if (print) { print.addEventListener("click", function () { window.print(); }); }

  var form = document.querySelector("[data-screening-form]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var box = form.querySelector("[data-disputes]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-dispute-row]"));
  var submit = form.querySelector("[data-submit]");
  var addButton = null;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && el.type !== "button";
    });
  }

  function saveDraft() {
    if (!store || !key) { return; }
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else if (el.type === "checkbox") { data[el.name] = el.checked ? "1" : ""; }
      else { data[el.name] = el.value; }
    });
    try { store.setItem(key, JSON.stringify({ saved: Date.now(), data: data })); } catch (e) { /* full */ }
  }

  function restoreDraft() {
    if (!store || !key) { return false; }
    var raw = store.getItem(key);
    if (!raw) { return false; }
    var draft;
    try { draft = JSON.parse(raw).data || {}; } catch (e) { return false; }
    var changed = false;
    fields().forEach(function (el) {
      if (!(el.name in draft)) { return; }
      var v = draft[el.name];
      if (el.type === "radio") { el.checked = el.value === v; changed = changed || el.checked; }
      else if (el.type === "checkbox") { el.checked = v === "1"; }
      else if (el.type !== "hidden" || el.name === "token") {
        // The token comes back too: a resend of a report that did arrive is then
        // recognised by the server and stored once.
        if (el.value !== v) { el.value = v; changed = changed || (el.type !== "hidden" && v !== ""); }
      }
    });
    return changed;
  }

  function rowFilled(row) {
    return Array.prototype.some.call(row.querySelectorAll("input[type=text], textarea, input:not([type])"), function (i) {
      return i.value.trim() !== "";
    }) || row.querySelector(".errorlist") !== null;
  }

  function syncOutcome(row) {
    var chosen = row.querySelector("input[name$='-outcome']:checked");
    Array.prototype.forEach.call(row.querySelectorAll("[data-when]"), function (part) {
      var show = chosen && chosen.value === part.getAttribute("data-when");
      part.hidden = !show && !part.querySelector(".errorlist");
    });
  }

  function syncStatus() {
    var chosen = form.querySelector("input[name=status]:checked");
    var nil = chosen && chosen.value === "nil";
    if (box) { box.hidden = !chosen || nil; }
    if (addButton) { addButton.hidden = !chosen || nil || !rows.some(function (r) { return r.hidden; }); }
  }

  function showRows() {
    var last = 0;
    rows.forEach(function (row, i) { if (rowFilled(row)) { last = i; } });
    rows.forEach(function (row, i) { row.hidden = i > last; });
  }

  var bound = form.getAttribute("data-bound") === "1";
  var restored = false;
  if (bound) {
    saveDraft(); // what the server sent back is the latest draft
  } else {
    restored = restoreDraft();
  }
  var note = document.querySelector("[data-draft-note]");
  if (restored && note) {
    note.hidden = false;
    var discard = note.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        if (store) { store.removeItem(key); }
        window.location.reload();
      });
    }
  }

  showRows();
  // After a refused send, the first field to correct is brought into view.
  var firstError = bound ? form.querySelector(".has-error") : null;
  if (firstError) { firstError.scrollIntoView({ block: "center" }); }
  rows.forEach(function (row) {
    syncOutcome(row);
    row.addEventListener("change", function () { syncOutcome(row); });
  });
  if (box && rows.length > 1) {
    addButton = document.createElement("button");
    addButton.type = "button";
    addButton.className = "button button-quiet add-dispute";
    addButton.textContent = "+ " + (box.getAttribute("data-add-label") || "");
    addButton.addEventListener("click", function () {
      var next = rows.filter(function (r) { return r.hidden; })[0];
      if (next) {
        next.hidden = false;
        var first = next.querySelector("input[type=text], textarea");
        if (first) { first.focus(); }
      }
      syncStatus();
    });
    box.parentNode.insertBefore(addButton, box.nextSibling);
  }
  syncStatus();
  form.addEventListener("change", function () { syncStatus(); saveDraft(); });
  form.addEventListener("input", saveDraft);

  // One tap sends once: later taps do nothing while the page waits for the answer.
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    sending = true;
    saveDraft();
    if (submit) {
      submit.setAttribute("aria-disabled", "true");
      window.setTimeout(function () {
        submit.disabled = true;
        submit.textContent = form.getAttribute("data-sending-label") || submit.textContent;
      }, 0);
    }
  });
  // Back to this page from the browser's cache: the button works again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && submit) { sending = false; submit.disabled = false; }
  });
})();

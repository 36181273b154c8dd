// Public pages: small enhancements; every form works without this file.
(function () {
  "use strict";
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  // Large text: toggled at once, remembered in the cookie the server reads.
  $$("[data-text-size]").forEach(function (link) {
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      var large = !document.documentElement.classList.contains("large-text");
      document.documentElement.classList.toggle("large-text", large);
      document.cookie = "xf_text=" + (large ? "large" : "normal") + ";path=/;max-age=31536000;samesite=lax";
      link.setAttribute("aria-pressed", large ? "true" : "false");
      window.location.reload();
    });
  });

  // A form is sent once: the button is disabled after the first tap (the server's
  // one-time token makes a second request harmless anyway).
  $$("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = $("button[type=submit]", form);
      if (!button) { return; }
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (button.getAttribute("data-busy-label")) { button.textContent = button.getAttribute("data-busy-label"); }
      }, 0);
    });
  });

  // The draft of a matter stays on this device until it is submitted: an error, a
  // reload or a lost connection loses nothing. Files cannot be kept by a browser.
  var draftForm = $("form[data-draft]");
  if (draftForm && window.localStorage) {
    var key = "xinfang-draft-" + draftForm.getAttribute("data-draft");
    // The one-time token travels with the draft: after a submission whose answer
    // was lost (a dropped connection), a reload sends the same token again and the
    // server answers with the matter already made, not a second one.
    var TOKEN = "submission_token";
    var skip = function (el) {
      if (el.name === TOKEN) { return false; }
      return !el.name || el.type === "file" || el.type === "hidden" || el.type === "password" || el.name === "csrfmiddlewaretoken";
    };
    var save = function () {
      var data = {};
      $$("input, select, textarea", draftForm).forEach(function (el) {
        if (skip(el)) { return; }
        if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
        else if (el.type === "checkbox") { data[el.name] = el.checked; }
        else { data[el.name] = el.value; }
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* full or private mode */ }
    };
    var restore = function () {
      var raw = localStorage.getItem(key);
      if (!raw) { return; }
      var data;
      try { data = JSON.parse(raw); } catch (e) { return; }
      $$("input, select, textarea", draftForm).forEach(function (el) {
        if (skip(el) || !(el.name in data)) { return; }
        if (el.type === "radio") { el.checked = (data[el.name] === el.value); }
        else if (el.type === "checkbox") { el.checked = !!data[el.name]; }
        else if (el.name === TOKEN || !el.value) { el.value = data[el.name]; }
      });
    };
    // After a server-side error the page already holds what was sent; only an
    // empty form (a reload, a new visit) is filled from the draft.
    if (!$("#errors")) { restore(); }
    draftForm.addEventListener("input", save);
    draftForm.addEventListener("change", save);
  }
  var clear = $("[data-draft-clear]");
  if (clear && window.localStorage) {
    localStorage.removeItem("xinfang-draft-" + clear.getAttribute("data-draft-clear"));
  }

  // One person or a group: the representatives' rows only for a group (never hide
  // a row that has an error or a value).
  var whoRadios = $$("input[name=who]");
  if (whoRadios.length) {
    var sync = function () {
      var chosen = $("input[name=who]:checked");
      var group = chosen && chosen.value === "group";
      $$("[data-group-only]").forEach(function (el) {
        var keep = $(".field-error", el) || $$("input", el).some(function (i) { return i.type !== "hidden" && i.value && i.name.indexOf("people_count") === -1; });
        el.hidden = !group && !keep;
      });
    };
    whoRadios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  // Whom an accusation accuses: asked only for an accusation (never hidden while
  // it holds an error or a value).
  var purpose = $("select[name=purpose]");
  var accusedBox = $("[data-accused-only]");
  if (purpose && accusedBox) {
    var syncAccused = function () {
      var keep = $(".field-error", accusedBox) || $$("input, select", accusedBox).some(function (i) { return i.value; });
      accusedBox.hidden = purpose.value !== "accusation" && !keep;
    };
    purpose.addEventListener("change", syncAccused);
    syncAccused();
  }

  // The place: type a few characters to narrow the long list of villages.
  $$("[data-place-search]").forEach(function (search) {
    var select = document.getElementById(search.getAttribute("data-place-search"));
    if (!select) { return; }
    search.hidden = false;
    var options = $$("option", select);
    search.addEventListener("input", function () {
      var q = search.value.trim();
      var hits = [];
      options.forEach(function (o) {
        var hit = !q || !o.value || o.textContent.indexOf(q) !== -1 || (o.parentNode.label || "").indexOf(q) !== -1;
        o.hidden = !hit;
        if (hit && o.value) { hits.push(o); }
      });
      // Chosen for the person only when the search leaves exactly one place.
      var first = hits.length === 1 ? hits[0] : null;
      $$("optgroup", select).forEach(function (g) {
        g.hidden = $$("option", g).every(function (o) { return o.hidden; });
      });
      if (q && first && (select.selectedIndex < 1 || select.options[select.selectedIndex].hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  // The limits of attachments, checked before the upload (the server checks again,
  // by content).
  $$("input[type=file][data-max-bytes]").forEach(function (input) {
    var note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.parentNode.insertBefore(note, input);
    input.addEventListener("change", function () {
      var max = parseInt(input.getAttribute("data-max-bytes"), 10);
      var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
      var problems = [];
      if (input.files.length > maxFiles) { problems.push(input.getAttribute("data-too-many") + " " + maxFiles); }
      var maxTotal = parseInt(input.getAttribute("data-max-total"), 10);
      var total = 0;
      Array.prototype.forEach.call(input.files, function (f) {
        total += f.size;
        if (f.size > max) { problems.push(input.getAttribute("data-too-big") + " " + f.name); }
      });
      // Over the request's limit the server refuses the whole form unread.
      if (total > maxTotal) { problems.push(input.getAttribute("data-too-much")); }
      note.textContent = problems.join(" ");
      note.hidden = !problems.length;
      input.setCustomValidity(problems.join(" "));
      if (problems.length) { input.value = ""; }
    });
  });

  // Print the receipt; go back from the "please wait" page.
  $$("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  $$("[data-back]").forEach(function (a) {
    if (window.history.length > 1) {
      a.addEventListener("click", function (ev) { ev.preventDefault(); window.history.back(); });
    }
  });

  // Put the focus on the error summary so that a screen reader reads it first.
  var errors = $("#errors");
  if (errors) { errors.focus(); }
})();

// The registration page's check for earlier and similar matters (search area):
// posts the form's fields (not the files) to search:related and lists what comes
// back, built with textContent (nothing the server sends is read as HTML).
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("related-check");
    var button = document.getElementById("related-check-button");
    var out = document.getElementById("related-results");
    if (!box || !button || !out) return;
    var form = box.closest("form");
    function el(tag, text, cls) {
      var node = document.createElement(tag);
      if (text) node.textContent = text;
      if (cls) node.className = cls;
      return node;
    }
    function show(data) {
      out.replaceChildren();
      var any = false;
      ["person", "content"].forEach(function (why) {
        var groups = data[why] || {};
        ["open", "concluded", "ended"].forEach(function (group) {
          var items = groups[group] || [];
          if (!items.length) return;
          any = true;
          out.appendChild(el("h3", out.dataset[why] + " · " + out.dataset[group], "related-group"));
          var list = el("ul", "", "related-list");
          items.forEach(function (r) {
            var li = el("li");
            var a = el("a", r.number);
            a.href = r.url;
            a.target = "_blank";
            a.rel = "noopener";
            li.appendChild(a);
            li.appendChild(document.createTextNode(" " + r.summary + " "));
            li.appendChild(el("span", r.state + " · " + r.received_on, "muted small"));
            // The clerk's mark, applied once the matter is registered (search.panels).
            var label = el("label", out.dataset.mark + " ", "related-mark");
            var select = el("select");
            select.name = "relate-" + r.id;
            [["", out.dataset.markNone], ["repeat", out.dataset.markRepeat],
             ["related", out.dataset.markRelated]].forEach(function (o) {
              var option = el("option", o[1]);
              option.value = o[0];
              select.appendChild(option);
            });
            label.appendChild(select);
            li.appendChild(document.createTextNode(" "));
            li.appendChild(label);
            list.appendChild(li);
          });
          out.appendChild(list);
        });
      });
      if (!any) out.appendChild(el("p", out.dataset.none, "note"));
      // Routing suggestions: the clerk clicks one to put it in the form (or not).
      var s = data.suggestions;
      if (s && s.category && s.category.length) {
        out.appendChild(el("h3", out.dataset.suggested, "related-group"));
        var p = el("p", "", "routing-suggestions");
        var select = form.querySelector("select[name=category]");
        s.category.forEach(function (c) {
          var b = el("button", c.name + " " + Math.round(c.confidence * 100) + "%", "button button-quiet");
          b.type = "button";
          b.dataset.category = c.id;
          b.title = (c.why || []).join("、");
          b.addEventListener("click", function () { if (select) select.value = String(c.id); });
          p.appendChild(b);
          p.appendChild(document.createTextNode(" "));
        });
        out.appendChild(p);
        if (s.unit && s.unit.length) {
          out.appendChild(el("p", out.dataset.units + " " + s.unit.map(function (u) {
            return u.name + " " + Math.round(u.confidence * 100) + "%";
          }).join("；"), "note small"));
        }
      }
    }
    button.addEventListener("click", function () {
      var body = new FormData();
      new FormData(form).forEach(function (value, key) {
        if (typeof value === "string") body.append(key, value);
      });
      button.disabled = true;
      fetch(box.dataset.url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(show)
        .catch(function () { out.replaceChildren(el("p", out.dataset.failed, "error")); })
        .finally(function () { button.disabled = false; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// 类案参考 beside the draft editor: folded on a phone, and refreshed from
// the saved draft after each save of the editor (cases-draft.js sends
// "draft-saved"). The panel is rendered with the page; this only enhances.
(function () {
  "use strict";
  var panel = document.getElementById("similar-panel");
  if (!panel) { return; }
  if (window.matchMedia) {
    var phone = window.matchMedia("(max-width: 760px)");
    panel.open = !phone.matches;
    if (phone.addEventListener) {
      phone.addEventListener("change", function (e) { panel.open = !e.matches; });
    }
  }
  if (!window.fetch) { return; }
  document.addEventListener("draft-saved", function () {
    fetch(panel.getAttribute("data-refresh"), { credentials: "same-origin" }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      var body = panel.querySelector("[data-similar-body]");
      if (html && body) { body.outerHTML = html; }
    }).catch(function () { /* keep the list shown */ });
  });
})();

// Draft editor: saves the 检察建议书 draft a few seconds after a change
// (the same form post as the 保存草稿 button, answered with JSON) and
// refreshes the PDF preview. The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null, saving = false, again = false;
  function say(text) { if (status) { status.textContent = text; } }
  function preview(url) {
    var frame = document.getElementById("draft-preview");
    if (frame) {
      frame.src = url + "#view=FitH&navpanes=0";
    } else {
      var empty = document.getElementById("draft-preview-empty");
      if (!empty) { return; }
      frame = document.createElement("iframe");
      frame.className = "pdf-frame";
      frame.id = "draft-preview";
      frame.title = "检察建议书打印预览（PDF）";
      frame.src = url + "#view=FitH&navpanes=0";
      empty.parentNode.replaceChild(frame, empty);
    }
    var link = document.getElementById("draft-preview-link");
    if (link) { link.href = url; }
  }
  function save() {
    if (saving) { again = true; return; }
    saving = true;
    say("正在保存…");
    var body = new URLSearchParams(new FormData(form));
    body.set("_then", "save");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      if (r.ok) {
        say("已自动保存 " + r.data.saved_at);
        preview(r.data.preview_url);
        form.dispatchEvent(new CustomEvent("draft-saved", { bubbles: true }));
      } else {
        say("未能自动保存：" + ((r.data.error && r.data.error.message) || "请点击“保存草稿”查看原因"));
      }
    }).catch(function () {
      say("未能自动保存（网络问题），请点击“保存草稿”");
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }
  form.addEventListener("input", function () {
    say("有未保存的修改");
    clearTimeout(timer);
    timer = setTimeout(save, +form.getAttribute("data-autosave-delay") || 3000);
  });
})();

// Upload enhancement for forms marked data-upload: files dropped onto a
// [data-dropzone] join the file input, the chosen files are listed with
// their sizes, and the form is sent with XMLHttpRequest so the upload's
// progress shows. Without this script the plain form works the same.
(function () {
  "use strict";
  function size(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return Math.round(n / 1024) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }
  function list(zone, input) {
    var ul = zone.querySelector("[data-file-list]");
    if (!ul) return;
    ul.textContent = "";
    var total = 0;
    Array.prototype.forEach.call(input.files, function (f) {
      total += f.size;
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = f.name;
      var s = document.createElement("span");
      s.className = "muted";
      s.textContent = size(f.size);
      li.appendChild(name);
      li.appendChild(s);
      ul.appendChild(li);
    });
    if (input.files.length > 1) {
      var li = document.createElement("li");
      li.textContent = "共 " + input.files.length + " 个文件，" + size(total);
      ul.appendChild(li);
    }
  }
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) return;
    input.addEventListener("change", function () { list(zone, input); });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!e.dataTransfer || !e.dataTransfer.files.length || typeof DataTransfer === "undefined") return;
      var dt = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
      Array.prototype.forEach.call(e.dataTransfer.files, function (f) { dt.items.add(f); });
      input.files = dt.files;
      list(zone, input);
    });
  });
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length || !window.FormData) return; // nothing to show: plain post
      e.preventDefault();
      var box = form.querySelector("[data-progress]");
      var bar = box && box.querySelector("progress");
      var text = box && box.querySelector("[data-progress-text]");
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      if (box) box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable || !bar) return;
        var pct = Math.round(ev.loaded / ev.total * 100);
        bar.value = pct;
        bar.textContent = pct + "%";
        if (text) text.textContent = "正在上传 " + pct + "%（" + size(ev.loaded) + " / " + size(ev.total) + "）";
      });
      xhr.addEventListener("load", function () {
        // Done: go to the page the server names (it shows the message).
        // Refused: post the form the plain way, so the page with the form's
        // errors comes back as it would without this script.
        var next = xhr.getResponseHeader("X-Location");
        if (xhr.status === 204 && next) {
          window.location.assign(next);
          return;
        }
        HTMLFormElement.prototype.submit.call(form);
      });
      xhr.addEventListener("error", function () {
        if (button) button.disabled = false;
        if (text) text.textContent = "上传失败，请检查网络后重试。";
      });
      xhr.send(new FormData(form));
    });
  });
})();

// The photos page, with a script: each file goes up as soon as it is chosen, 1 MB at a
// time (the tus protocol, intake/patient/media_views.py), with a progress bar, and a
// dropped connection resumes from the last piece the server acknowledged, even after the
// page is reloaded and the same file chosen again. Without this file the page posts the
// files with its form.
(function () {
  "use strict";
  var PIECE = 1024 * 1024;
  var panel = document.querySelector("[data-media]");
  if (!panel || !window.fetch || !window.Blob || !Blob.prototype.slice) return;
  var form = panel.closest("form");
  var csrf = form.querySelector('input[name="csrf_token"]').value;
  var consent = form.querySelector('input[name="media.consent"]');

  function say(box, text, isProblem) {
    var state = box.querySelector("[data-state]");
    state.textContent = text;
    state.classList.toggle("media-problem", !!isProblem);
  }

  function headers(extra) {
    var all = { "Tus-Resumable": "1.0.0", "X-CSRFToken": csrf };
    Object.keys(extra || {}).forEach(function (k) { all[k] = extra[k]; });
    return all;
  }

  function key(slot, file) { return "intake-upload:" + slot + ":" + file.name + ":" + file.size + ":" + file.lastModified; }

  function b64(text) { return btoa(unescape(encodeURIComponent(text))); }

  function problemOf(response) {
    return response.json().then(function (body) { return body.message; }, function () { return panel.dataset.failed; });
  }

  function create(slot, file) {
    var meta = "slot " + b64(slot) + ",consent " + b64("yes");
    return fetch(panel.dataset.uploads, {
      method: "POST", credentials: "same-origin",
      headers: headers({ "Upload-Length": String(file.size), "Upload-Metadata": meta })
    }).then(function (response) {
      if (response.status !== 201) return problemOf(response).then(function (m) { throw { message: m }; });
      return response.headers.get("Location");
    });
  }

  function offsetOf(url) {
    return fetch(url, { method: "HEAD", credentials: "same-origin", headers: headers() }).then(function (response) {
      return response.ok ? parseInt(response.headers.get("Upload-Offset"), 10) : null;
    });
  }

  function wait(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }

  // Send pieces from `offset` on; a network error waits (1, 2, 4 ... 30 s), asks the
  // server where it stands, and goes on from there.
  function send(box, url, file, offset, tries) {
    var bar = box.querySelector("progress");
    bar.hidden = false;
    bar.value = Math.round((offset / file.size) * 100);
    if (offset >= file.size) return Promise.resolve();
    return fetch(url, {
      method: "PATCH", credentials: "same-origin",
      headers: headers({ "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" }),
      body: file.slice(offset, Math.min(offset + PIECE, file.size))
    }).then(function (response) {
      if (response.status === 204) return send(box, url, file, parseInt(response.headers.get("Upload-Offset"), 10), 0);
      if (response.status === 409) return offsetOf(url).then(function (at) { return send(box, url, file, at, tries); });
      if (response.status >= 500 && tries < 8) return problemOf(response).then(function (m) { say(box, m, true); return retry(); });
      return problemOf(response).then(function (m) { throw { message: m, final: true }; });
    }, function () {
      say(box, panel.dataset.retrying);
      return retry();
    });

    function retry() {
      return wait(Math.min(30000, 1000 * Math.pow(2, tries))).then(function () {
        return offsetOf(url).then(function (at) {
          if (at === null) throw { message: panel.dataset.failed, final: true };
          return send(box, url, file, at, tries + 1);
        }, function () { return send(box, url, file, offset, tries + 1); });
      });
    }
  }

  function preview(box, file) {
    var old = box.querySelector(".media-local");
    if (old) old.remove();
    var shown = document.createElement(file.type.indexOf("video") === 0 ? "video" : "img");
    shown.className = "media-local media-preview";
    shown.src = URL.createObjectURL(file);
    if (shown.tagName === "VIDEO") { shown.muted = true; shown.controls = true; } else { shown.alt = ""; }
    box.querySelector("[data-state]").before(shown);
  }

  function follow(box, url) {
    var id = url.split("/").pop();
    fetch(panel.dataset.files, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (body) {
      var found = body.files.filter(function (f) { return f.id === id; })[0];
      if (!found) return;
      if (found.status === "ready") return say(box, panel.dataset.checked);
      if (found.message) return say(box, found.message, true);
      setTimeout(function () { follow(box, url); }, 3000);
    }, function () { setTimeout(function () { follow(box, url); }, 5000); });
  }

  function upload(input) {
    var file = input.files[0];
    var box = input.closest("[data-slot]");
    var slot = box.dataset.slot;
    if (!file) return;
    if (consent && !consent.checked) {
      input.value = "";
      return say(box, panel.dataset.noConsent, true);
    }
    preview(box, file);
    var saved = localStorage.getItem(key(slot, file));
    var start = saved
      ? offsetOf(saved).then(function (at) { return at === null ? create(slot, file).then(function (u) { return [u, 0]; }) : [saved, at]; })
      : create(slot, file).then(function (u) { return [u, 0]; });
    start.then(function (pair) {
      localStorage.setItem(key(slot, file), pair[0]);
      return send(box, pair[0], file, pair[1], 0).then(function () {
        localStorage.removeItem(key(slot, file));
        input.value = ""; // sent already: the page's own post must not send it again
        box.querySelector("progress").value = 100;
        say(box, panel.dataset.received);
        follow(box, pair[0]);
      });
    }).catch(function (problem) {
      input.value = "";
      say(box, (problem && problem.message) || panel.dataset.failed, true);
    });
  }

  panel.querySelectorAll('input[type="file"]').forEach(function (input) {
    input.addEventListener("change", function () { upload(input); });
  });
})();

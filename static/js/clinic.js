// Clinician workspace, progressive enhancement only: a warning a minute before the idle
// sign-out, with a button to stay signed in (the server enforces the timeout either way),
// and "Every answer" folded on screen but printed in full.
(function () {
  "use strict";

  // Served open, so it shows and prints without a script; folded here, opened for paper.
  document.addEventListener("DOMContentLoaded", function () {
    var folds = document.querySelectorAll("details[data-fold-on-screen]");
    folds.forEach(function (fold) { fold.open = false; });
    var before = [];
    window.addEventListener("beforeprint", function () {
      before = Array.prototype.map.call(folds, function (fold) { return fold.open; });
      folds.forEach(function (fold) { fold.open = true; });
    });
    window.addEventListener("afterprint", function () {
      folds.forEach(function (fold, i) { fold.open = before[i]; });
    });
  });

  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.getAttribute("content") : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var idleSeconds = parseInt(meta("clinic-idle-seconds"), 10);
    var keepalive = meta("clinic-keepalive");
    var warning = document.getElementById("idle-warning");
    if (!idleSeconds || !keepalive || !warning) return;

    var warnTimer, signOutTimer;
    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(signOutTimer);
      warning.hidden = true;
      warnTimer = setTimeout(function () {
        warning.hidden = false;
        warning.querySelector("button").focus();
      }, Math.max(idleSeconds - 60, 1) * 1000);
      // Reloading lets the server sign the clinician out and take the summary off screen.
      signOutTimer = setTimeout(function () { window.location.reload(); }, (idleSeconds + 2) * 1000);
    }

    warning.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
      fetch(keepalive, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.ok) schedule(); else window.location.reload();
      }, function () { window.location.reload(); });
    });
    schedule();
  });
})();

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

  // The idle sign-out across tabs: the session's idle clock is the server's, moved by any
  // tab. When this page's own timer runs out it asks the server how long is left (a
  // question that is not activity) rather than reloading: a reload counted as activity,
  // so two idle tabs kept each other signed in, each writing a "viewed" row.
  document.addEventListener("DOMContentLoaded", function () {
    var idleSeconds = parseInt(meta("clinic-idle-seconds"), 10);
    var keepalive = meta("clinic-keepalive");
    var sessionLeft = meta("clinic-session-left");
    var idleLimit = parseInt(meta("clinic-idle-limit"), 10);
    var warning = document.getElementById("idle-warning");
    if (!idleSeconds || !keepalive || !sessionLeft || !warning) return;

    var timer;
    // Signed out (the server said so, or cannot be asked): reloading takes the page off screen.
    function signedOut() { window.location.reload(); }
    function after(seconds, then) {
      clearTimeout(timer);
      timer = setTimeout(then, Math.max(seconds, 1) * 1000);
    }
    function schedule(secondsLeft) {
      warning.hidden = true;
      after(secondsLeft - 60, check);
    }
    function check() {
      fetch(sessionLeft, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          // An expired session is signed out and sent to the sign-in page.
          if (!response.ok || response.redirected) return signedOut();
          return response.json().then(function (answer) {
            var left = answer.seconds_left;
            if (left > 60) return schedule(left);  // another tab was used meanwhile
            if (warning.hidden) {
              warning.hidden = false;
              warning.querySelector("button").focus();
            }
            after(left + 2, check);
          });
        }, signedOut);
    }

    warning.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
      fetch(keepalive, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.ok) schedule(idleLimit); else signedOut();  // the whole limit again
      }, signedOut);
    });
    schedule(idleSeconds);
  });
})();

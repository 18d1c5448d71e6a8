// Progressive enhancement only: every page works without this file.
// The server stays the judge of which questions apply; this only mirrors it.
(function () {
  "use strict";

  function answerOf(name) {
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "checkbox" || input.type === "radio") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function holds(cond) {
    var values = answerOf(cond.question);
    if (cond.operator === "exists") return (values.length > 0) === cond.answer;
    var wanted = cond.answer === true ? "yes" : cond.answer === false ? "no" : cond.answer;
    var matched = values.indexOf(wanted) !== -1;
    return cond.operator === "=" ? matched : !matched;
  }

  function knownOnPage(cond) { return document.querySelector('[name="' + cond.question + '"]') !== null; }

  function refreshConditionals() {
    document.querySelectorAll("[data-conditional]").forEach(function (block) {
      var rule = JSON.parse(block.getAttribute("data-conditional"));
      var results = rule.when.filter(knownOnPage).map(holds);
      // What the server found in the answers of other pages (step_page.py, "visibility").
      var earlier = block.getAttribute("data-earlier");
      if (earlier !== null) results.push(earlier === "1");
      var show = true;
      if (results.length) {
        show = rule.behavior === "all" ? results.every(Boolean) : results.some(Boolean);
      }
      if (rule.choices_from) {
        var chosen = answerOf(rule.choices_from);
        show = show && chosen.length >= 2;
        block.querySelectorAll("input").forEach(function (input) {
          input.closest(".choice").hidden = chosen.indexOf(input.value) === -1;
        });
      }
      block.hidden = !show;
      block.removeAttribute("data-off");  // the script decides from now on
    });
  }

  // Ticking "None of these" unticks the rest; where the rest are red flags, only once the
  // patient confirms (a sign is never cleared silently). Ticking a sign unticks "None".
  function exclusiveChoices(event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) return;
    var group = document.querySelectorAll('input[type=checkbox][name="' + box.name + '"]');
    var exclusive = box.hasAttribute("data-exclusive");
    var others = Array.prototype.filter.call(group, function (other) {
      return other !== box && other.checked && (exclusive || other.hasAttribute("data-exclusive"));
    });
    var guarded = box.closest("[data-confirm-exclusive]");
    if (exclusive && others.length && guarded && !window.confirm(guarded.getAttribute("data-confirm-exclusive"))) {
      box.checked = false;
      return;
    }
    others.forEach(function (other) { other.checked = false; });
  }

  // "N characters left" under a text box. The visible count follows every keystroke; a
  // screen reader hears it once the typing pauses, not on every key (as GOV.UK's
  // character count does).
  function counters() {
    document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
      var area = document.getElementById(counter.getAttribute("data-counter-for"));
      var max = parseInt(area.getAttribute("data-max-length"), 10);
      var spoken = document.createElement("p");
      var pause;
      var say = function (name, count) {
        counter.classList.toggle("over", name === "data-over");
        return count === 1 ? counter.getAttribute(name + "-one") : counter.getAttribute(name).replace("{n}", count);
      };
      // Line breaks count once, as the server counts them (forms.py).
      var left = function () {
        var count = max - area.value.replace(/\r\n/g, "\n").length;
        return count < 0 ? say("data-over", -count) : say("data-left", count);
      };
      spoken.className = "visually-hidden";
      spoken.setAttribute("aria-live", "polite");
      spoken.setAttribute("data-counter-spoken", "");
      counter.setAttribute("aria-hidden", "true");
      counter.after(spoken);
      counter.textContent = left();
      area.addEventListener("input", function () {
        counter.textContent = left();
        clearTimeout(pause);
        pause = setTimeout(function () { spoken.textContent = left(); }, 1000);
      });
    });
  }

  // The face drawing for "where": tapping a place ticks or unticks its checkbox (the
  // answer), and the side question follows the halves tapped. The drawing only mirrors
  // the checkboxes and the side's radios, so either can be used.
  function facePicker(picker) {
    var name = picker.getAttribute("data-face-picker");
    var sideName = picker.getAttribute("data-side-question");
    var box = function (place) {
      return document.querySelector('input[type=checkbox][name="' + name + '"][value="' + place + '"]');
    };
    var sideRadio = function (value) {
      return document.querySelector('input[type=radio][name="' + sideName + '"][value="' + value + '"]');
    };
    function sides() {
      var chosen = document.querySelector('input[type=radio][name="' + sideName + '"]:checked');
      var value = chosen ? chosen.value : "";
      return value === "left" || value === "right" ? [value] : value === "both" ? ["left", "right"] : [];
    }
    function paint() {
      var chosen = sides();
      var shown = chosen.length ? chosen : ["left", "right"];
      picker.querySelectorAll("[data-place]").forEach(function (region) {
        var ticked = box(region.getAttribute("data-place"));
        var on = ticked && ticked.checked && shown.indexOf(region.getAttribute("data-side")) !== -1;
        region.classList.toggle("ticked", !!on);
      });
    }
    function choose(side) {
      var radio = sideRadio(side);
      if (radio && !radio.checked) {
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    picker.addEventListener("click", function (event) {
      var region = event.target.closest("[data-place]");
      if (!region) return;
      var checkbox = box(region.getAttribute("data-place"));
      if (!checkbox) return;
      var side = region.getAttribute("data-side");
      var now = sides();
      if (!checkbox.checked) {
        checkbox.checked = true;
        checkbox.dispatchEvent(new Event("change", { bubbles: true }));
        if (now.indexOf(side) === -1) choose(now.length ? "both" : side);
      } else if (now.length && now.indexOf(side) === -1) {
        choose("both");
      } else {
        checkbox.checked = false;
        checkbox.dispatchEvent(new Event("change", { bubbles: true }));
      }
      paint();
    });
    document.addEventListener("change", paint);
    picker.hidden = false;
    paint();
  }

  // The resume link: a tap in its box selects it all, and Copy puts it on the clipboard
  // and says so (to screen readers too). Without a clipboard (an old browser, or a page
  // not served over HTTPS) the button selects the text for the patient to copy.
  function copyButtons() {
    document.querySelectorAll("[data-select-all]").forEach(function (box) {
      box.addEventListener("focus", function () { box.select(); });
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var box = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector("[data-copy-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        box.select();
        if (!navigator.clipboard) return;
        navigator.clipboard.writeText(box.value).then(function () {
          status.textContent = button.getAttribute("data-copied");
          button.textContent = button.getAttribute("data-copied");
        });
      });
    });
  }

  // A waiting-room tablet: left alone, the page warns (a minute before, or halfway for a
  // short setting), then posts its own reset; any tap or key before the warning restarts
  // the count, and "I am still here" dismisses the warning.
  function kioskIdle() {
    var reset = document.getElementById("kiosk-reset");
    var warning = document.getElementById("kiosk-warning");
    if (!reset || !warning) return;
    var idle = parseInt(reset.getAttribute("data-idle-seconds"), 10) * 1000;
    var stay = warning.querySelector("[data-kiosk-stay]");
    var timers = [];
    function start() {
      timers.forEach(clearTimeout);
      warning.hidden = true;
      timers = [
        setTimeout(function () { warning.hidden = false; stay.focus(); }, idle - Math.min(60000, idle / 2)),
        setTimeout(function () { reset.submit(); }, idle)
      ];
    }
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () { if (warning.hidden) start(); }, { passive: true });
    });
    stay.addEventListener("click", start);
    start();
  }

  // An error summary's link focuses its box with the question and its message in view
  // (GOV.UK's error summary does the same): the browser's own jump to the box put it at
  // the very top of the screen, its label and the error above it, out of sight.
  function summaryLinks(summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var box = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!box) return;
      event.preventDefault();
      (box.closest(".question") || box).scrollIntoView();
      box.focus({ preventScroll: true });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    kioskIdle();
    copyButtons();
    document.querySelectorAll("[data-face-picker]").forEach(facePicker);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); summaryLinks(summary); }
    document.addEventListener("change", function (event) { exclusiveChoices(event); refreshConditionals(); });
    refreshConditionals();
    counters();
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

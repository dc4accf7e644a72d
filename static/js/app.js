/* Budgetopfølgning: behaviour every page shares. No inline script (CSP: script-src 'self'). */
(function () {
  "use strict";

  // A page restored from the back/forward cache shows what was on the screen when the user
  // left it, not what is stored now. Editable pages are never served from the HTTP cache
  // (Cache-Control: no-store); a restored page is loaded again before anything can be saved.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  // Character counts beside the text boxes. The limit is checked by the server; the box never
  // cuts a paste (no maxlength), it says how much is left or how much is too much.
  var number = new Intl.NumberFormat("da-DK");

  function stored(text) {
    // The server counts the text as it stores it: line breaks as one character, outer blanks
    // removed.
    return text.replace(/\r\n?/g, "\n").trim();
  }

  function liveRegion() {
    return document.getElementById("count-live");
  }

  function updateCount(textarea, announce) {
    var count = document.getElementById(textarea.id + "-count");
    if (!count) {
      return;
    }
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var left = max - Array.from(stored(textarea.value)).length;
    var text;
    var state;
    if (left < 0) {
      text = number.format(-left) + " tegn for mange. Teksten kan ikke gemmes, før den er kortere.";
      state = "over";
    } else {
      text = number.format(left) + " tegn tilbage.";
      state = left <= 100 ? "low" : "ok";
    }
    count.textContent = text;
    count.classList.toggle("field__count--over", left < 0);
    // Announce only when the state changes (near the limit, over it, back under it), not at
    // every key press.
    if (announce && textarea.getAttribute("data-count-state") !== state && state !== "ok") {
      var live = liveRegion();
      if (live) {
        live.textContent = text;
      }
    }
    textarea.setAttribute("data-count-state", state);
  }

  function initCounts(root) {
    var boxes = root.querySelectorAll("textarea[data-maxlength]");
    for (var i = 0; i < boxes.length; i++) {
      updateCount(boxes[i], false);
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-maxlength]")) {
      updateCount(event.target, true);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    initCounts(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    initCounts(event.detail.elt || document);
  });
  window.budgetCounts = { init: initCounts };
})();

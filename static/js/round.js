/* The round page: rows are shown compact and opened for editing on demand.
   Enter on "Redigér" opens a row, Escape closes it (asking first if something is unsaved),
   and focus stays on the row: the first field of an opened row, the "Redigér" link of a
   closed or saved one. */
(function () {
  "use strict";

  function isDirty(form) {
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden" || field.type === "submit") {
        continue;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) {
          return true;
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  var UNSAVED = "Rækken har ændringer, der ikke er gemt. Vil du lukke den og kassere dem?";

  function bodyOf(element) {
    return element.closest(".round-row__body");
  }

  function close(form) {
    var body = bodyOf(form);
    if (!body) {
      return;
    }
    window.htmx.ajax("GET", form.getAttribute("data-close-url"), {
      target: "#" + body.id,
      swap: "outerHTML",
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) {
      return;
    }
    var form = event.target.closest("form[data-row-form]");
    if (!form) {
      return;
    }
    event.preventDefault();
    if (isDirty(form) && !window.confirm(UNSAVED)) {
      return;
    }
    close(form);
  });

  // "Luk uden at gemme" asks first when something is unsaved.
  document.addEventListener("htmx:confirm", function (event) {
    var link = event.detail.elt;
    if (!link.hasAttribute || !link.hasAttribute("data-row-close")) {
      return;
    }
    var form = link.closest("form[data-row-form]");
    if (form && isDirty(form)) {
      event.preventDefault();
      if (window.confirm(UNSAVED)) {
        event.detail.issueRequest(true);
      }
    }
  });

  // Leaving the page with an opened, changed row asks first.
  window.addEventListener("beforeunload", function (event) {
    var forms = document.querySelectorAll("form[data-row-form]");
    for (var i = 0; i < forms.length; i++) {
      if (isDirty(forms[i])) {
        event.preventDefault();
        event.returnValue = "";
        return;
      }
    }
  });

  // Where the keyboard goes after a row body was swapped.
  var swapped = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swapped = target && target.classList && target.classList.contains("round-row__body")
      ? target.id
      : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swapped) {
      return;
    }
    var body = document.getElementById(swapped);
    swapped = null;
    if (!body) {
      return;
    }
    var focus;
    if (body.hasAttribute("data-row-editing")) {
      focus = body.querySelector(
        ".conflict input, [aria-invalid='true'], textarea, input[type='radio']"
      );
    } else {
      focus = body.querySelector("[data-row-edit]");
    }
    if (focus) {
      focus.focus();
    }
  });
})();

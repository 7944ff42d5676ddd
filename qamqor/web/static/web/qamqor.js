// Quick exit, and forms that act once. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  function leave(event) {
    var exit = document.getElementById("quick-exit");
    if (!exit) return;
    if (event) event.preventDefault();
    document.body.hidden = true;
    document.title = "";
    // replace(): the page being left is not kept in the history, so Back does not return.
    window.location.replace(exit.href);
  }

  var escapes = 0;
  var escapeTimer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    escapes += 1;
    clearTimeout(escapeTimer);
    escapeTimer = setTimeout(function () { escapes = 0; }, 800);
    if (escapes >= 2) leave(event);
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("#quick-exit")) leave(event);
  });

  // A double click must not post a form twice: once submitted, its buttons rest.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("once")) return;
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    setTimeout(function () { delete form.dataset.submitting; }, 4000);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form.once");
    if (form) delete form.dataset.submitting;
  });
})();

// The review of a draft source: "Check all" and "Uncheck all" for its proposals (the form works without them).
(function () {
  "use strict";
  document.querySelectorAll("button[data-select]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var check = button.dataset.select === "accept";
      document.querySelectorAll("input[type=checkbox][value=accept]").forEach(function (box) { box.checked = check; });
    });
  });
})();

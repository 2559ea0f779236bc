// Offer graph nodes by name in every "other end" field: the admin's node search answers as you type.
(function () {
  "use strict";
  const list = document.getElementById("graph-node-options");
  if (!list) return;
  let timer = null;
  document.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.classList || !input.classList.contains("graph-autocomplete")) return;
    clearTimeout(timer);
    const term = input.value.trim();
    if (term.length < 2) return;
    timer = setTimeout(function () {
      fetch(list.dataset.searchUrl + "?q=" + encodeURIComponent(term), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) {
          list.replaceChildren(...data.results.map(function (node) {
            const option = document.createElement("option");
            option.value = node.uid;
            option.label = node.name + " (" + node.label + ")";
            return option;
          }));
        });
    }, 200);
  });
})();

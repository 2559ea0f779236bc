// Suggest organizations as a name is typed into an input with data-autocomplete="<JSON address>"; the input
// takes the organization's name, or its uid where it says data-autocomplete-value="uid" (the review of a draft).
(function () {
  "use strict";
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || text === asked) { return; }
      timer = setTimeout(function () {
        asked = text;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(text))
          .then(function (response) { return response.json(); })
          .then(function (body) {
            list.replaceChildren.apply(list, body.results.map(function (org) {
              var option = document.createElement("option");
              var byUid = input.dataset.autocompleteValue === "uid";
              option.value = byUid ? org.uid : org.name;
              if (byUid) { option.label = org.name; } else if (org.acronym) { option.label = org.acronym; }
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience; the form still works without them */ });
      }, 150);
    });
  });
})();

// Draw every small network picture on the page: an element with data-graph="<id of its JSON script>".
(function () {
  "use strict";
  document.querySelectorAll("[data-graph]").forEach(function (container) {
    var data = JSON.parse(document.getElementById(container.dataset.graph).textContent);
    var cy = window.ATCGraph.draw(container, data, { centre: data.nodes.length ? data.nodes[0].id : null });
    cy.on("tap", "node", function (event) {
      var page = window.ATCGraph.webHref(event.target.data("url"));
      if (page) { window.location.href = page; }
    });
    cy.on("mouseover", "edge", function (event) { container.title = window.ATCGraph.edgeSentence(cy, event.target); });
    cy.on("mouseover", "node", function (event) { container.title = event.target.data("name"); });
    container.dataset.ready = "true";
  });
})();

// The network explorer: draw a node's neighbourhood, expand nodes a page of relationships at a time, filter by
// relationship type, node kind and "as of" year, show details on hover and click, export a PNG.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("explorer-config").textContent);
  var container = document.getElementById("explorer-map");
  var statusBox = document.getElementById("explorer-status");
  var panel = document.getElementById("explorer-panel");
  var tooltip = document.getElementById("explorer-tooltip");
  var controls = document.getElementById("explorer-controls");
  var yearInput = document.getElementById("as-of-year");
  var yearOutput = document.getElementById("as-of-value");
  var picker = document.getElementById("explorer-pick");
  var AUTO_EXPAND_LIMIT = 50;
  var asOf = null;
  var truncated = false;
  var cy = null;

  function url(template, uid) { return template.replace("UID", encodeURIComponent(uid)); }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function checked(name) {
    return Array.prototype.filter.call(controls.querySelectorAll("input[name=" + name + "]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
  }

  // Whether the relationship holds as of `year`: the server says for which years it does (the one "as of" rule is
  // orgs/dates.py's, so the slider shows what the pages' ?as_of= does).
  function validIn(edge, year) {
    if (year === null) { return true; }
    var years = edge.data("years_held"), first = years[0], last = years[1];
    return (first === null || first <= year) && (last === null || year <= last);
  }

  // Show only what the filters allow; a node stays only while one of its shown relationships reaches it.
  function applyFilters() {
    var types = checked("type"), labels = checked("label");
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        node.toggleClass("hidden", labels.indexOf(node.data("label")) < 0 && !node.hasClass("centre"));
      });
      cy.edges().forEach(function (edge) {
        var ok = types.indexOf(edge.data("type")) >= 0 && validIn(edge, asOf) &&
          !edge.source().hasClass("hidden") && !edge.target().hasClass("hidden");
        edge.toggleClass("hidden", !ok);
      });
      cy.nodes().forEach(function (node) {
        if (!node.hasClass("centre") && !node.hasClass("hidden")) {
          node.toggleClass("hidden", node.connectedEdges().not(".hidden").length === 0);
        }
      });
    });
    report();
  }

  function report() {
    var nodes = cy.nodes().not(".hidden").length, edges = cy.edges().not(".hidden").length;
    statusBox.dataset.nodes = nodes;
    statusBox.dataset.edges = edges;
    statusBox.textContent = nodes + " bodies and " + edges + " relationships shown" +
      (asOf !== null ? " as of " + asOf : "") +
      (truncated ? ". The neighbourhood was cut at " + config.limit + " nodes: expand a node to see more." : ".");
    listBodies();
  }

  // The keyboard's way onto the map: every body shown, by name, in a list.
  function listBodies() {
    var chosen = picker.value;
    var shown = cy.nodes().not(".hidden").sort(function (a, b) { return a.data("name").localeCompare(b.data("name")); });
    picker.replaceChildren(element("option", { value: "" }, "—"));
    shown.forEach(function (node) { picker.appendChild(element("option", { value: node.id() }, node.data("name"))); });
    picker.value = chosen;
  }

  function addElements(data, around) {
    var origin = around ? around.position() : { x: 0, y: 0 };
    var added = cy.add(window.ATCGraph.elements(data).filter(function (item) {
      return cy.getElementById(item.data.id).empty();
    }).map(function (item) {
      if (item.group === "nodes") {
        item.position = { x: origin.x + (Math.random() - 0.5) * 120, y: origin.y + (Math.random() - 0.5) * 120 };
      }
      return item;
    }));
    if (added.nodes().length) {
      // fcose refines existing positions only at "default" quality ("draft" needs randomize).
      cy.layout(window.ATCGraph.layout({ randomize: false, quality: "default" })).run();
    }
    applyFilters();
    return added;
  }

  function loadGroup(uid, group, button, after) {
    var query = "?type=" + encodeURIComponent(group.type) + "&outgoing=" + (group.outgoing ? "1" : "0");
    if (after) {
      query += "&after=" + encodeURIComponent(after.after) + "&after_uid=" + encodeURIComponent(after.after_uid);
    }
    button.disabled = true;
    return fetch(url(config.relationships, uid) + query).then(function (response) { return response.json(); })
      .then(function (page) {
        addElements(page, cy.getElementById(uid));
        group.loaded = (group.loaded || 0) + page.nodes.length;
        if (page.next) {
          button.disabled = false;
          button.textContent = "Load more (" + (group.total - group.loaded) + " left)";
          button.onclick = function () { loadGroup(uid, group, button, page.next); };
        } else {
          button.textContent = "All " + group.total + " shown";
        }
      });
  }

  // Expanding a node first shows its relationship counts by type; small ones load at once, hubs a page at a time.
  function expand(node, list) {
    var uid = node.id();
    list.replaceChildren(element("li", {}, "Counting relationships…"));
    return fetch(url(config.groups, uid)).then(function (response) { return response.json(); })
      .then(function (body) {
        var total = body.groups.reduce(function (sum, group) { return sum + group.total; }, 0);
        list.replaceChildren();
        if (!body.groups.length) { list.appendChild(element("li", {}, "No relationships.")); }
        var loads = body.groups.map(function (group) {
          var item = element("li", {}, group.reading + " · " + group.total + " ");
          var button = element("button", { type: "button", "data-type": group.type }, "Load " + Math.min(group.total, 50));
          button.onclick = function () { loadGroup(uid, group, button); };
          item.appendChild(button);
          list.appendChild(item);
          return total <= AUTO_EXPAND_LIMIT ? loadGroup(uid, group, button) : null;
        });
        node.data("expanded", true);
        return Promise.all(loads);
      });
  }

  function showPanel(node) {
    panel.replaceChildren();
    panel.appendChild(element("h2", { id: "panel-title" }, node.data("name")));
    var facts = element("p", { class: "muted" }, node.data("label") + (node.data("kind") ? " · " + node.data("kind") : "") +
      " · " + node.data("degree") + " relationships" + (node.data("date") ? " · " + node.data("date") : ""));
    panel.appendChild(facts);
    var links = element("p", { class: "actions" });
    var page = window.ATCGraph.webHref(node.data("url"));
    if (page) { links.appendChild(element("a", { href: page, class: "button" }, "Open page")); }
    var expandButton = element("button", { type: "button", id: "explorer-expand" }, "Expand");
    links.appendChild(expandButton);
    panel.appendChild(links);
    var list = element("ul", { class: "groups" });
    panel.appendChild(list);
    expandButton.onclick = function () { expandButton.disabled = true; expand(node, list); };
  }

  function showTooltip(event, text) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    tooltip.style.left = (event.renderedPosition.x + 12) + "px";
    tooltip.style.top = (event.renderedPosition.y + 12) + "px";
  }

  function wire() {
    cy.on("tap", "node", function (event) { showPanel(event.target); });
    picker.addEventListener("change", function () {
      var node = cy.getElementById(picker.value);
      if (node.empty()) { return; }
      cy.nodes().unselect();
      node.select();
      cy.animate({ center: { eles: node }, duration: 200 });
      showPanel(node);
    });
    cy.on("dbltap", "node", function (event) {
      var page = window.ATCGraph.webHref(event.target.data("url"));
      if (page) { window.location.href = page; }
    });
    cy.on("mouseover", "node", function (event) {
      var n = event.target;
      showTooltip(event, n.data("name") + " — " + n.data("label") + (n.data("kind") ? " (" + n.data("kind") + ")" : "") +
        ", " + n.data("degree") + " relationships");
    });
    cy.on("mouseover", "edge", function (event) {
      var e = event.target;
      showTooltip(event, window.ATCGraph.edgeSentence(cy, e) + (e.data("qualifier") ? " — “" + e.data("qualifier") + "”" : ""));
    });
    cy.on("mouseout", "node, edge", function () { tooltip.hidden = true; });
    controls.addEventListener("change", function (event) {
      if (event.target.name === "type" || event.target.name === "label") { applyFilters(); }
    });
    yearInput.addEventListener("input", function () {
      asOf = Number(yearInput.value);
      yearOutput.textContent = String(asOf);
      applyFilters();
    });
    document.getElementById("as-of-clear").addEventListener("click", function () {
      asOf = null;
      yearInput.value = yearInput.max;
      yearOutput.textContent = "any year";
      applyFilters();
    });
    document.getElementById("explorer-fit").addEventListener("click", function () { cy.fit(cy.elements().not(".hidden"), 20); });
    document.getElementById("explorer-png").addEventListener("click", function () {
      var blob = cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
      var link = element("a", { href: URL.createObjectURL(blob), download: config.centre + "-network.png" });
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  fetch(config.network).then(function (response) {
    if (!response.ok) { throw new Error("The server answered " + response.status); }
    return response.json();
  }).then(function (data) {
    truncated = data.truncated;
    config.limit = data.limit;
    cy = window.ATCGraph.draw(container, data, { centre: config.centre });
    wire();
    applyFilters();
    window.ATCExplorer = { cy: cy };
    container.dataset.ready = "true";
  }).catch(function (error) {
    statusBox.textContent = "The network could not be loaded (" + error.message + "). Reload the page to try again.";
  });
})();

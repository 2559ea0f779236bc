// Shared drawing helpers for ATC Graph's network pictures (Cytoscape.js + fcose, served from static/vendor/).
(function () {
  "use strict";
  if (window.cytoscapeFcose && window.cytoscape) {
    window.cytoscape.use(window.cytoscapeFcose);
  }

  // Each kind of node and relationship type has the vocabulary's colour, which the server's /vocabulary.css
  // hands over as custom properties (--node-colour-Organization, --edge-colour-MEMBER_OF); grey when it has none.
  var colours = {};
  function colour(part, name, fallback) {
    var key = "--" + part + "-colour-" + name;
    if (!(key in colours)) {
      colours[key] = window.getComputedStyle(document.documentElement).getPropertyValue(key).trim() || fallback;
    }
    return colours[key];
  }
  function nodeColour(node) { return colour("node", node.data("label"), "#718096"); }
  function edgeColour(edge) { return colour("edge", edge.data("type"), "#a0aec0"); }

  // A relationship stated by more sources is drawn wider: site.css's --edge-width-1, -2 and -3 (three or more).
  var widths = {};
  function edgeWidth(edge) {
    var count = Math.min(Math.max(edge.data("source_count") || 1, 1), 3);
    if (!(count in widths)) {
      var value = window.getComputedStyle(document.documentElement).getPropertyValue("--edge-width-" + count);
      widths[count] = Number(value.trim()) || 2;
    }
    return widths[count];
  }
  function sourcesLabel(edge) {
    var count = edge.data("source_count") || 0;
    return count ? count + (count === 1 ? " source" : " sources") : "";
  }

  function style() {
    return [
      { selector: "node", style: {
        "background-color": nodeColour,
        "label": "data(short)", "font-size": 10, "color": "#1d2330", "text-valign": "bottom",
        "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 110,
        "width": function (n) { return 14 + Math.min(26, Math.sqrt(n.data("degree") || 0) * 3); },
        "height": function (n) { return 14 + Math.min(26, Math.sqrt(n.data("degree") || 0) * 3); },
        "border-width": 1, "border-color": "#fff"
      } },
      { selector: "node.centre", style: { "border-width": 4, "border-color": "#14213d" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#f6ad55" } },
      { selector: "edge", style: {
        "width": edgeWidth, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8,
        "line-color": edgeColour,
        "target-arrow-color": edgeColour,
        "opacity": 0.85
      } },
      { selector: "edge[?symmetric]", style: { "target-arrow-shape": "none" } },
      { selector: ".hidden", style: { "display": "none" } }
    ];
  }

  function elements(data) {
    var nodes = data.nodes.map(function (n) { return { group: "nodes", data: n }; });
    var edges = data.edges.map(function (e) { return { group: "edges", data: e }; });
    return nodes.concat(edges);
  }

  function layout(options) {
    var fcose = !!window.cytoscapeFcose;
    return Object.assign({
      name: fcose ? "fcose" : "cose", animate: false, randomize: true, nodeRepulsion: 6000,
      idealEdgeLength: 70, quality: "default", fit: true, padding: 20
    }, options || {});
  }

  function draw(container, data, options) {
    options = options || {};
    var cy = window.cytoscape({
      container: container, elements: elements(data), style: style(), layout: layout(options.layout),
      wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 4
    });
    if (options.centre) { cy.getElementById(options.centre).addClass("centre"); }
    return cy;
  }

  // Read an edge the way a sentence does: "A collaborates with B · since 2005 · 3 sources".
  function edgeSentence(cy, edge) {
    var from = cy.getElementById(edge.data("source")).data("short");
    var to = cy.getElementById(edge.data("target")).data("short");
    var when = edge.data("since") && edge.data("until") ? edge.data("since") + " – " + edge.data("until")
      : edge.data("since") ? "since " + edge.data("since") : edge.data("until") ? "until " + edge.data("until") : "";
    var sources = sourcesLabel(edge);
    return from + " " + edge.data("reading") + " " + to + (when ? " · " + when : "") + (sources ? " · " + sources : "");
  }

  // Return `value` as an address to follow only if it resolves to an http(s) one (never javascript:, data:, …);
  // the same rule as the pages' web_link tag, for addresses that arrive in JSON.
  function webHref(value) {
    if (typeof value !== "string" || !value) { return null; }
    try {
      var address = new URL(value, window.location.href);
      return address.protocol === "http:" || address.protocol === "https:" ? address.href : null;
    } catch (error) {
      return null;
    }
  }

  window.ATCGraph = {
    draw: draw, layout: layout, elements: elements, edgeSentence: edgeSentence, edgeWidth: edgeWidth,
    sourcesLabel: sourcesLabel, webHref: webHref
  };
})();

// Draws the graph whose data the #graph element names, with vis-network served by the app itself.
// Node titles are plain strings, which vis-network shows as text, never as HTML.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || typeof vis === "undefined") { return; }
  fetch(container.getAttribute("data-src"), { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var nodes = new vis.DataSet(data.nodes);
      var edges = new vis.DataSet(data.edges);
      var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
      container.setAttribute("data-node-count", String(data.nodes.length));
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
        container.setAttribute("data-ready", "true");
      });
      if (!data.options.physics || data.options.physics.enabled === false) {
        container.setAttribute("data-ready", "true");
      }
      function open(id) {
        var node = nodes.get(id);
        if (node && node.url) { window.location.assign(node.url); }
      }
      network.on("click", function (params) { if (params.nodes.length) { open(params.nodes[0]); } });
      container.addEventListener("keydown", function (event) {
        // A node selected by click can also be opened with Enter.
        var selected = network.getSelectedNodes();
        if (event.key === "Enter" && selected.length) { open(selected[0]); }
      });
      window.copgraphNetwork = network;
    });
}());

// The Explore page: draws the view whose data #graph names (laid out on the server, so the same on every load),
// with a side panel for the selected node, keyboard selection, a clusters layer, a suggested-links layer, a
// PNG download and type-ahead in the focus box. vis-network is served by the app itself. Names are plain text
// everywhere (textContent, vis-network's string titles), never HTML.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || typeof vis === "undefined") { return; }
  var FADED = "#dde1e7";
  var FADED_TEXT = "#aab1bc";
  var status = document.getElementById("panel-status");

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function swatch(colour) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("class", "swatch-shape");
    svg.setAttribute("aria-hidden", "true");
    var dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", "8"); dot.setAttribute("cy", "8"); dot.setAttribute("r", "6.5");
    dot.setAttribute("fill", colour);
    svg.appendChild(dot);
    return svg;
  }

  function colourObject(colour) {
    return { background: colour, border: colour,
      highlight: { background: colour, border: "#14213d" }, hover: { background: colour, border: "#14213d" } };
  }

  fetch(container.getAttribute("data-src"), { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var byId = {};
      data.nodes.forEach(function (n) { byId[n.id] = n; });
      // The server's layout is round; stretch it to the shape of the box, so labels get the room there is.
      var xs = data.nodes.map(function (n) { return n.x; }), ys = data.nodes.map(function (n) { return n.y; });
      var wide = (Math.max.apply(null, xs) - Math.min.apply(null, xs)) || 1;
      var high = (Math.max.apply(null, ys) - Math.min.apply(null, ys)) || 1;
      var stretch = Math.min(2.5, Math.max(1, (container.clientWidth / Math.max(1, container.clientHeight)) / (wide / high)));
      data.nodes.forEach(function (n) { n.x = Math.round(n.x * stretch * 10) / 10; });
      var nodes = new vis.DataSet(data.nodes);
      var edges = new vis.DataSet(data.edges);
      var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
      var state = { selected: null, clusters: false, suggested: [] };
      window.copgraphNetwork = network;
      window.copgraphNodes = nodes;
      container.setAttribute("data-node-count", String(data.nodes.length));

      function baseColour(node) {
        if (state.clusters) {
          var c = data.clusters[node.cluster];
          return c ? c.color : data.otherCluster;
        }
        return node.color.background;
      }

      // Every node's colour and label colour, from the layer and the selection: one update for all of them.
      function paint() {
        var near = null;
        if (state.selected !== null) {
          near = {};
          near[state.selected] = true;
          network.getConnectedNodes(state.selected).forEach(function (id) { near[id] = true; });
        }
        nodes.update(data.nodes.map(function (n) {
          var on = near === null || near[n.id];
          return { id: n.id, color: colourObject(on ? baseColour(n) : FADED), label: labelOf(n),
            font: { color: on ? "#1d2330" : FADED_TEXT, size: legible } };
        }));
        edges.update(edges.get().map(function (e) {
          var on = near === null || e.from === state.selected || e.to === state.selected;
          var colour = e.dashes ? "#c2571a" : "#9aa5b1";
          return { id: e.id, color: { color: on ? colour : "#eceef2", highlight: "#14213d", hover: "#14213d" } };
        }));
      }

      // The side panel: what the node is, its neighbours by kind (each a button that selects it), its page.
      var panel = document.getElementById("panel");
      function showPanel(id) {
        var node = byId[id];
        var neighbours = network.getConnectedNodes(id).map(function (n) { return byId[n]; }).filter(Boolean);
        var kinds = {};
        neighbours.forEach(function (n) { (kinds[n.kind] = kinds[n.kind] || []).push(n); });
        document.getElementById("panel-kind").textContent = node.kind +
          (state.clusters && data.clusters[node.cluster] ? " · cluster: " + data.clusters[node.cluster].title : "");
        document.getElementById("panel-title").textContent = node.name;
        var parts = Object.keys(kinds).sort().map(function (k) { return kinds[k].length + " " + k; });
        document.getElementById("panel-summary").textContent = neighbours.length
          ? "Linked in this view to " + parts.join(", ") + "."
          : "Nothing else in this view links to it.";
        var page = document.getElementById("panel-page");
        page.hidden = !node.url;
        if (node.url) { page.href = node.url; }
        var path = node.url ? node.url.replace(/^\//, "") : node.id;
        document.getElementById("panel-focus").href = "/explore?focus=" + encodeURIComponent(path) + "&hops=1";
        var list = document.getElementById("panel-neighbours");
        list.textContent = "";
        Object.keys(kinds).sort().forEach(function (k) {
          list.appendChild(el("h3", k + " (" + kinds[k].length + ")"));
          var ul = el("ul");
          kinds[k].sort(function (a, b) { return a.name.localeCompare(b.name); }).slice(0, 15).forEach(function (n) {
            var li = el("li");
            var button = el("button", n.name, "link");
            button.type = "button";
            button.addEventListener("click", function () { select(n.id, true); });
            li.appendChild(button);
            ul.appendChild(li);
          });
          if (kinds[k].length > 15) { ul.appendChild(el("li", "and " + (kinds[k].length - 15) + " more")); }
          list.appendChild(ul);
        });
        panel.hidden = false;
        status.textContent = node.name + ", " + node.kind + ": " + document.getElementById("panel-summary").textContent;
      }

      function select(id, reveal) {
        state.selected = id;
        network.selectNodes([id]);
        paint();
        showPanel(id);
        container.setAttribute("data-selected", id);
        if (reveal) {
          var p = network.getPositions([id])[id];
          var box = container.getBoundingClientRect();
          var dom = network.canvasToDOM(p);
          if (dom.x < 0 || dom.y < 0 || dom.x > box.width || dom.y > box.height) {
            network.moveTo({ position: p, animation: false });
          }
        }
      }

      function clear() {
        state.selected = null;
        network.unselectAll();
        paint();
        panel.hidden = true;
        container.removeAttribute("data-selected");
        status.textContent = "Selection cleared.";
      }

      network.on("click", function (params) {
        if (params.nodes.length) { select(params.nodes[0], false); } else { clear(); }
      });
      document.getElementById("panel-close").addEventListener("click", function () { clear(); container.focus(); });

      // Keyboard: arrows move to the nearest node that way, Home to the best-connected one, Escape clears,
      // + and - zoom, Enter moves into the panel.
      var DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
      function best() {
        return data.nodes.slice().sort(function (a, b) { return b.value - a.value || (a.id < b.id ? -1 : 1); })[0];
      }
      container.addEventListener("keydown", function (event) {
        var key = event.key;
        if (DIRECTIONS[key]) {
          event.preventDefault();
          if (state.selected === null) { select(best().id, true); return; }
          var positions = network.getPositions();
          var from = positions[state.selected];
          var d = DIRECTIONS[key];
          var chosen = null, score = Infinity;
          Object.keys(positions).forEach(function (id) {
            if (id === state.selected) { return; }
            var dx = positions[id].x - from.x, dy = positions[id].y - from.y;
            var along = dx * d[0] + dy * d[1];
            if (along <= 0) { return; }
            var across = Math.abs(dx * d[1] - dy * d[0]);
            var s = along + 2 * across;
            if (s < score) { score = s; chosen = id; }
          });
          if (chosen) { select(chosen, true); }
        } else if (key === "Home") {
          event.preventDefault(); select(best().id, true);
        } else if (key === "Escape") {
          clear();
        } else if (key === "Enter" && state.selected !== null) {
          event.preventDefault();
          var title = document.getElementById("panel-title");
          title.tabIndex = -1; title.focus();
        } else if (key === "+" || key === "=" || key === "-") {
          event.preventDefault();
          network.moveTo({ scale: network.getScale() * (key === "-" ? 0.8 : 1.25), animation: false });
        }
      });

      // Layers.
      var clusterBox = document.getElementById("layer-clusters");
      var legend = document.getElementById("legend");
      var clusterLegend = document.getElementById("cluster-legend");
      clusterBox.addEventListener("change", function () {
        state.clusters = clusterBox.checked;
        legend.hidden = state.clusters;
        clusterLegend.hidden = !state.clusters;
        if (state.clusters && !clusterLegend.childNodes.length) {
          var present = {};
          data.nodes.forEach(function (n) { present[n.cluster] = (present[n.cluster] || 0) + 1; });
          Object.keys(present).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
            var c = data.clusters[i];
            var li = el("li");
            li.setAttribute("data-color", c ? c.color : data.otherCluster);
            li.appendChild(swatch(c ? c.color : data.otherCluster));
            li.appendChild(document.createTextNode(" " + (c ? c.title : "in no cluster") + " (" + present[i] + ")"));
            clusterLegend.appendChild(li);
          });
        }
        paint();
        if (state.selected !== null) { showPanel(state.selected); }
      });

      var suggestedBox = document.getElementById("layer-suggested");
      suggestedBox.addEventListener("change", function () {
        if (!suggestedBox.checked) {
          edges.remove(state.suggested);
          state.suggested = [];
          container.removeAttribute("data-suggested");
          return;
        }
        fetch(suggestedBox.getAttribute("data-src"), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (found) {
            if (!suggestedBox.checked) { return; }
            found.edges.forEach(function (e) { e.dashes = [6, 6]; e.width = 2; e.color = { color: "#c2571a" }; });
            edges.add(found.edges);
            state.suggested = found.edges.map(function (e) { return e.id; });
            container.setAttribute("data-suggested", String(found.edges.length));
            status.textContent = found.edges.length + " suggested links shown, dashed.";
            paint();
          });
      });

      // The view as a picture, on white.
      document.getElementById("export-png").addEventListener("click", function () {
        var canvas = container.querySelector("canvas");
        var copy = document.createElement("canvas");
        copy.width = canvas.width; copy.height = canvas.height;
        var context = copy.getContext("2d");
        context.fillStyle = "#ffffff";
        context.fillRect(0, 0, copy.width, copy.height);
        context.drawImage(canvas, 0, 0);
        var link = document.createElement("a");
        link.href = copy.toDataURL("image/png");
        link.download = "copgraph-view.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });

      network.fit({ animation: false });
      // Labels legible at the first zoom (12 pixels at least): those of what links to two or more others, and of
      // the selected node and its neighbours; the rest show once zooming in has made room for them.
      var first = network.getScale();
      var legible = Math.min(60, Math.max(16, Math.ceil(12 / first)));
      var zoomed = data.nodes.length <= 40;
      function labelOf(n) {
        var near = state.selected !== null &&
          (n.id === state.selected || network.getConnectedNodes(state.selected).indexOf(n.id) >= 0);
        return zoomed || n.value >= 2 || near ? n.label : "";
      }
      network.on("zoom", function () {
        var now = data.nodes.length <= 40 || network.getScale() >= first * 1.6;
        if (now !== zoomed) { zoomed = now; paint(); }
      });
      paint();
      if (data.focus && byId[data.focus]) {  // the focus is selected, its panel open, nothing faded
        network.selectNodes([data.focus]);
        showPanel(data.focus);
        container.setAttribute("data-selected", data.focus);
      }
      network.once("afterDrawing", function () { container.setAttribute("data-ready", "true"); });
      network.redraw();
    });

  // Type-ahead in the focus box: names from the network as you type; a chosen name is sent as its identifier.
  var input = document.getElementById("focus");
  var list = document.getElementById("focus-names");
  if (input && list) {
    var timer = null, found = [];
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2) { return; }
        fetch(input.getAttribute("data-names") + "?q=" + encodeURIComponent(q))
          .then(function (response) { return response.json(); })
          .then(function (rows) {
            found = rows;
            list.textContent = "";
            rows.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.label;
              option.label = row.kind;
              list.appendChild(option);
            });
          });
      }, 120);
    });
    input.form.addEventListener("submit", function () {
      var match = found.filter(function (row) { return row.label === input.value; });
      if (match.length === 1) { input.value = match[0].id; }
    });
  }
}());

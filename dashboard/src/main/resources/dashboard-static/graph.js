// The permission graph: cytoscape from its webjar, data from /dashboard/graph.json.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || typeof cytoscape === "undefined") {
    return;
  }
  var colours = { job_family: "#1f77b4", job: "#2ca02c", esc: "#d62728", user: "#9467bd" };
  var details = document.getElementById("graph-details");
  var list = document.getElementById("graph-nodes");
  var cy;

  function text(tag, value) {
    var el = document.createElement(tag);
    el.textContent = value;
    return el;
  }

  function showDetails(node) {
    details.replaceChildren(
      text("h2", node.data("title")),
      text("p", node.data("kind") + (node.data("subtitle") ? " · " + node.data("subtitle") : "")),
      text("p", node.neighborhood("node").length + " neighbours shown")
    );
  }

  // The node list below the canvas follows the canvas: only the nodes shown are listed, so the
  // keyboard and a screen reader see what the picture shows; data-visible counts them.
  function showInList(keep) {
    var shown = 0;
    list.querySelectorAll("button[data-node]").forEach(function (button) {
      var visible = !keep || keep.getElementById(button.getAttribute("data-node")).nonempty();
      button.parentNode.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    container.setAttribute("data-visible", String(shown));
  }

  function focus(id) {
    var node = cy.getElementById(id);
    if (node.empty()) {
      return;
    }
    var keep = node.closedNeighborhood();
    cy.elements().not(keep).style("display", "none");
    keep.style("display", "element");
    cy.fit(keep, 30);
    showDetails(node);
    showInList(keep);
    container.setAttribute("data-selected", id);
  }

  function reset() {
    cy.elements().style("display", "element");
    cy.fit(undefined, 30);
    showInList(null);
    container.removeAttribute("data-selected");
    details.replaceChildren(text("p", "No node selected."));
  }

  fetch(container.getAttribute("data-source"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (graph) {
      var elements = [];
      (graph.nodes || []).forEach(function (n) {
        elements.push({ data: { id: n.id, title: n.title, subtitle: n.subtitle || "", kind: n.type } });
      });
      (graph.edges || []).forEach(function (e, i) {
        elements.push({ data: { id: "e" + i, source: e.from_id, target: e.to_id, kind: e.type } });
      });
      cy = cytoscape({
        container: container,
        elements: elements,
        layout: { name: "cose", animate: false },
        style: [
          { selector: "node", style: { label: "data(title)", "font-size": 10,
            "background-color": function (n) { return colours[n.data("kind")] || "#777"; } } },
          { selector: "edge", style: { width: 1, "curve-style": "bezier", "target-arrow-shape": "triangle" } }
        ]
      });
      cy.on("tap", "node", function (event) { focus(event.target.id()); });
      cy.nodes().forEach(function (node) {
        var item = document.createElement("li");
        var button = text("button", node.data("title") + " (" + node.data("kind") + ")");
        button.type = "button";
        button.className = "link";
        button.setAttribute("data-node", node.id());
        button.addEventListener("click", function () { focus(node.id()); });
        item.appendChild(button);
        list.appendChild(item);
      });
      showInList(null);
      container.setAttribute("data-ready", "true");
    });
  document.getElementById("graph-reset").addEventListener("click", function () {
    if (cy) {
      reset();
    }
  });
})();

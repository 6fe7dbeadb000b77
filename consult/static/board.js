/* Board charts: draw every figure whose JSON sits in a <script type="application/json">
   block on the page. No inline script anywhere: this file and plotly.js are all there is.
   Each chart has a data table beside it, which is what screen readers and print use. */
(function () {
  "use strict";

  var CONFIG = {
    displayModeBar: false,
    responsive: true,
    scrollZoom: false,
    doubleClick: false,
    showTips: false,
    logging: 0
  };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return Promise.resolve();
    }
    var figure = JSON.parse(source.textContent);
    return window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG).then(function () {
      element.classList.add("drawn");
    });
  }

  function drawAll() {
    var charts = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
    if (!window.Plotly) {
      return;
    }
    Promise.all(charts.map(draw)).then(function () {
      document.documentElement.setAttribute("data-charts-drawn", String(charts.length));
    });
  }

  function openTables() {
    document.querySelectorAll("details.data").forEach(function (details) {
      details.open = true;
    });
  }

  function resizeAll() {
    document.querySelectorAll(".chart.drawn").forEach(function (element) {
      window.Plotly.Plots.resize(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  window.addEventListener("beforeprint", function () {
    openTables();
    resizeAll();
  });
  window.addEventListener("afterprint", resizeAll);
})();

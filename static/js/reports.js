// Draws the staff reports' charts from the data the page embeds with json_script.
// The datasets' labels come translated from the script tag's data-* attributes.
(function () {
  "use strict";
  var words = document.currentScript ? document.currentScript.dataset : {};
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var common = { responsive: true, maintainAspectRatio: false, animation: false };

  // A long label ("A Scrum Alliance gatherings and events") wider than a third of a
  // phone's chart runs past the canvas edge: on a narrow chart it breaks into lines.
  var NARROW = 480; // px of chart: a phone's, not a half-width chart at 1280 px
  var LINE = 18;
  function wrap(label) {
    var lines = [];
    String(label).split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= LINE) lines[last] += " " + word;
      else lines.push(word);
    });
    return lines;
  }
  function categoryTicks() {
    return {
      autoSkip: false,
      callback: function (value) {
        var label = this.getLabelForValue(value);
        return this.chart.width < NARROW ? wrap(label) : label;
      },
    };
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  draw("chart-months", {
    type: "bar",
    data: {
      labels: data.months.labels,
      datasets: [
        { label: words.issued, data: data.months.issued, backgroundColor: "#0d6efd" },
        { label: words.renewed, data: data.months.renewed, backgroundColor: "#198754" },
      ],
    },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
  });
  draw("chart-rates", {
    type: "bar",
    data: {
      labels: data.rates.labels,
      datasets: [{ label: words.renewedPercent, data: data.rates.rate, backgroundColor: "#6f42c1" }],
    },
    options: Object.assign({}, common, {
      scales: { x: { ticks: categoryTicks() }, y: { beginAtZero: true, max: 100 } },
    }),
  });
  draw("chart-categories", {
    type: "bar",
    data: {
      labels: data.categories.labels,
      datasets: [{ label: "SEUs", data: data.categories.seus, backgroundColor: "#fd7e14" }],
    },
    options: Object.assign({}, common, {
      indexAxis: "y",
      scales: { x: { beginAtZero: true }, y: { ticks: categoryTicks() } },
    }),
  });
})();

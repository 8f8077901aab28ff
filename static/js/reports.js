// Draws the staff reports' charts from the data the page embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var common = { responsive: true, maintainAspectRatio: false, animation: false };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  draw("chart-months", {
    type: "bar",
    data: {
      labels: data.months.labels,
      datasets: [
        { label: "Issued", data: data.months.issued, backgroundColor: "#0d6efd" },
        { label: "Renewed", data: data.months.renewed, backgroundColor: "#198754" },
      ],
    },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
  });
  draw("chart-rates", {
    type: "bar",
    data: {
      labels: data.rates.labels,
      datasets: [{ label: "Renewed (%)", data: data.rates.rate, backgroundColor: "#6f42c1" }],
    },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true, max: 100 } } }),
  });
  draw("chart-categories", {
    type: "bar",
    data: {
      labels: data.categories.labels,
      datasets: [{ label: "SEUs", data: data.categories.seus, backgroundColor: "#fd7e14" }],
    },
    options: Object.assign({}, common, { indexAxis: "y", scales: { x: { beginAtZero: true } } }),
  });
})();

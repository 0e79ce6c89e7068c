/* Charts of the reports overview. The numbers come from the page's json_script block
   (#report-charts) and are also in the tables under each chart, so the page works and
   reads the same without JavaScript. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#005a8c", "#e07a1f", "#3a9d5d", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var chart = data[canvas.dataset.chart];
    if (!chart || chart.labels.length === 0) {
      (canvas.closest("figure") || canvas.closest(".chart-box")).hidden = true;
      return;
    }
    var max = canvas.dataset.chartMax ? Number(canvas.dataset.chartMax) : undefined;
    new window.Chart(canvas, {
      type: canvas.dataset.chartType || "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: palette[index % palette.length]
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, max: max, ticks: { precision: 0 } } },
        plugins: { legend: { display: chart.datasets.length > 1 } }
      }
    });
  });
})();

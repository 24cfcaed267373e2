/**
 * The dashboard's chart starter, served at /ui/assets/charts.js (a file, so a strict CSP can
 * forbid inline scripts). Each `<canvas data-chart="<id>">` is drawn with chart.js from the JSON
 * in `<script type="application/json" id="<id>">`: `{ type, labels, datasets }`, where a dataset
 * may name its axis (`yAxisID: "y2"` puts it on a right-hand axis); `everyLabel` names every category.
 */
export const CHARTS_JS = `(function () {
  function draw() {
    if (!window.Chart) return;
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute('data-chart'));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var right = spec.datasets.some(function (d) { return d.yAxisID === 'y2'; });
      var scales = { y: { beginAtZero: true, grace: '10%', title: { display: !!spec.yTitle, text: spec.yTitle } } };
      // Every category named (chart.js skips labels that would overlap: half the campaigns went unnamed).
      if (spec.everyLabel) scales.x = { ticks: { autoSkip: false, maxRotation: 90, minRotation: 45 } };
      if (right) scales.y2 = { beginAtZero: true, grace: '10%', position: 'right', grid: { drawOnChartArea: false },
        title: { display: !!spec.y2Title, text: spec.y2Title } };
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: 'index', intersect: false },
          plugins: { legend: { position: 'bottom' } }, scales: scales }
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
`;

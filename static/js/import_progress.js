// Import job page: poll the job's JSON status and move the progress bar; when the job
// has finished, open the job's page to show its result. Without JavaScript the page
// offers a plain "Reload" link instead. The upload answers a POST with this page, so
// its address is replaced by the job's: reloading never uploads the file again.
(function () {
  const box = document.getElementById("import-job");
  if (!box) return;
  const jobUrl = box.dataset.jobUrl;
  if (window.location.pathname !== jobUrl) window.history.replaceState(null, "", jobUrl);
  if (box.dataset.finished === "true") return;
  const url = box.dataset.statusUrl;
  const bar = box.querySelector("progress");
  const reload = box.querySelector('[data-role="reload"]');
  if (reload) reload.parentElement.hidden = true;
  let failures = 0;

  function show(status) {
    box.querySelectorAll("[data-field]").forEach(function (field) {
      const value = status[field.dataset.field];
      field.textContent = value === 0 && field.dataset.field === "rows_total" ? "?" : value;
    });
    // Queueing again is for a job no worker picked up: once it runs, it is not offered.
    const requeue = box.querySelector('[data-role="requeue"]');
    if (requeue && status.status !== "queued") requeue.remove();
    if (bar) {
      bar.value = status.percent;
      bar.textContent = status.percent + " %";
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        show(status);
        if (status.finished) {
          window.location.assign(jobUrl);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (reload) reload.parentElement.hidden = false;
        if (failures < 10) window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 500);
})();

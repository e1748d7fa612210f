/* A print job's page: poll its status URL (data-status-url) while it is queued or running, and show progress. */
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.dataset.statusUrl;
  function number(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function show(data) {
    document.getElementById("job-bar").value = data.percent;
    document.getElementById("job-state").textContent = data.state_label;
    document.getElementById("job-done").textContent = number(data.done);
    document.getElementById("job-total").textContent = number(data.total);
    var message = document.getElementById("job-message");
    message.textContent = data.message || "";
    message.hidden = data.state !== "failed";
    document.getElementById("job-download").hidden = data.state !== "done";
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 5000); return; }
        show(data);
        if (data.state === "queued" || data.state === "running") { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (box.dataset.state === "queued" || box.dataset.state === "running") { poll(); }
})();

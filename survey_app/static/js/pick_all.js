/* The review queue's "pick all" box ticks or clears every submission of the page. */
document.getElementById("pick-all")?.addEventListener("change", function (event) {
  document.querySelectorAll('#queue input[name="uuid"]').forEach(function (box) { box.checked = event.target.checked; });
});

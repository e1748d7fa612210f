/* The review queue: "pick all" ticks or clears every submission of the page, and the sticky bar's button says how
   many are picked ("Duyệt 7 phiếu đã chọn"). Without this script the page still works: the button reads
   "Duyệt các phiếu đã chọn" and the confirmation page counts them. */
(function () {
  var boxes = function () { return document.querySelectorAll('#queue input[name="uuid"]'); };
  var button = document.getElementById("bulk-approve");
  function showCount() {
    if (!button) { return; }
    var picked = document.querySelectorAll('#queue input[name="uuid"]:checked').length;
    button.textContent = button.dataset.template.replace("{n}", String(picked));
    button.disabled = picked === 0;
  }
  document.getElementById("pick-all")?.addEventListener("change", function (event) {
    boxes().forEach(function (box) { box.checked = event.target.checked; });
    showCount();
  });
  boxes().forEach(function (box) { box.addEventListener("change", showCount); });
  showCount();
})();

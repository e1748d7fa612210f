/* A <select data-navigate> whose options are URLs: choosing one opens it (the report's round picker). */
document.querySelectorAll("select[data-navigate]").forEach(function (select) {
  select.addEventListener("change", function () { location.href = select.value; });
});

// GOV.UK error summary: when a page comes back with problems, focus moves to the summary at the top, so a
// screen reader reads it and a keyboard user's next Tab is its first link; each link focuses its field.
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var collapsed = field.closest(".collapse:not(.show)");
    if (collapsed) collapsed.classList.add("show");  // a filter under "More filters"
    field.scrollIntoView({block: "center"});
    field.focus();
  });
})();

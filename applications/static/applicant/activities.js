// Progressive enhancement: an explanation box shows once its activity is ticked (all show without JavaScript).
document.querySelectorAll(".activity").forEach(function (card) {
  var tick = card.querySelector(".activity-tick"), reveal = card.querySelector(".reveal");
  if (!tick || !reveal) return;
  var sync = function () {
    var show = tick.checked || reveal.querySelector("textarea").value.trim() !== "" || reveal.querySelector(".text-danger");
    reveal.hidden = !show;
    card.classList.toggle("border-primary", tick.checked);
  };
  tick.addEventListener("change", function () { sync(); if (tick.checked) reveal.querySelector("textarea").focus(); });
  sync();
});

// The queue's batch actions: "select all" ticks every row of the page, and the bar says how many are ticked.
// Without JavaScript each row's box still works on its own.
(() => {
  const form = document.getElementById("batch");
  if (!form) return;
  const all = form.querySelector(".js-select-all");
  const rows = [...form.querySelectorAll(".js-select-row")];
  const count = form.querySelector("[data-selected-count]");

  function update() {
    const ticked = rows.filter((box) => box.checked).length;
    count.textContent = ticked ? count.dataset.some.replace("{n}", ticked) : count.dataset.none;
    if (all) {
      all.checked = ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
  }

  all?.addEventListener("change", () => {
    rows.forEach((box) => {
      box.checked = all.checked;
    });
    update();
  });
  rows.forEach((box) => box.addEventListener("change", update));
  update();
})();

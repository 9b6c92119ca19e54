// The progress bar of an export written in the background: asks the server every second how far it is, and
// shows the download link when it is ready. Without JavaScript the page reloads itself (a <noscript> refresh).
(() => {
  const root = document.getElementById("export");
  if (!root) return;
  const bar = root.querySelector("[data-export-bar]");
  const fill = bar.querySelector(".progress-bar");
  const state = root.querySelector("[data-export-state]");
  const count = root.querySelector("[data-export-count]");
  const error = root.querySelector("[data-export-error]");
  const download = root.querySelector("[data-export-download]");
  const countTemplate = root.dataset.countTemplate;

  function show(progress) {
    fill.style.width = `${progress.percent}%`;
    fill.textContent = `${progress.percent}%`;
    bar.setAttribute("aria-valuenow", String(progress.percent));
    state.textContent = progress.state_label;
    count.textContent = countTemplate.replace("{done}", progress.done).replace("{total}", progress.total);
    const finished = progress.state === "done" || progress.state === "failed";
    fill.classList.toggle("progress-bar-striped", !finished);
    fill.classList.toggle("progress-bar-animated", !finished);
    fill.classList.toggle("bg-danger", progress.state === "failed");
    fill.classList.toggle("bg-success", progress.state === "done");
    if (progress.state === "failed") {
      error.textContent = progress.error;
      error.classList.remove("d-none");
    }
    if (progress.download_url) {
      download.href = progress.download_url;
      download.classList.remove("d-none");
    }
    return finished;
  }

  async function poll() {
    try {
      const response = await fetch(root.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.ok && show(await response.json())) return;
    } catch (ignored) {
      // A network hiccup: try again.
    }
    setTimeout(poll, 1000);
  }

  fill.style.width = `${fill.dataset.percent}%`;
  poll();
})();

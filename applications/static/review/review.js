// Ticks and verifications save without leaving the page: the form is posted in the background and
// the server's card replaces the old one. Without JavaScript the same forms post normally.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.classList.contains("js-inline")) return;
  event.preventDefault();
  const card = form.closest(".js-card");
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Review-Inline": "1" },
      credentials: "same-origin",
    });
    const html = await response.text();
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    card.replaceWith(fresh);
    const status = fresh.querySelector("[data-saved]");
    if (status) status.focus();
    // What approval still needs may have changed: redraw that list from the page as it is now.
    const problems = document.getElementById("decide-problems");
    if (problems && response.ok) {
      const page = new DOMParser().parseFromString(await (await fetch(location.href)).text(), "text/html");
      const fresher = page.getElementById("decide-problems");
      if (fresher) problems.replaceWith(fresher);
    }
  } catch (error) {
    form.submit();
  }
});

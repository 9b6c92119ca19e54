/* The editor's one-page entry of a change to the catalog (Django admin).
 *
 * For each row of an amendment (or of wordings not recorded): shows the wording in force of the chosen
 * paragraph beside the new one, fills the new wording with it to edit when still empty, and shows only the
 * fields the chosen action needs. Works for rows added with "Add another" too (event delegation).
 */
(function () {
  "use strict";
  const source = document.getElementById("current-wordings");
  const wordings = source ? JSON.parse(source.textContent) : {};

  function row(element) {
    return element.closest(".inline-related");
  }

  function show(container, names, visible) {
    names.forEach(function (name) {
      container.querySelectorAll(".field-" + name).forEach(function (box) {
        box.hidden = !visible;
      });
    });
  }

  function update(container, filling) {
    if (!container) {
      return;
    }
    const target = container.querySelector("select.js-target");
    const action = container.querySelector("select.js-action");
    const text = container.querySelector("textarea[name$='-text']");
    const current = container.querySelector(".js-current-text");
    const footnote = container.querySelector(".js-current-footnote");
    const wording = target ? wordings[target.value] : undefined;
    if (current) {
      current.textContent = wording ? wording.text : current.dataset.empty;
    }
    if (footnote) {
      footnote.textContent = wording ? wording.footnote : "";
    }
    if (action) {
      const kind = action.value;
      show(container, ["target", "current_wording"], kind !== "add");
      show(container, ["appendix", "paragraph"], kind === "add");
      show(container, ["text", "footnote", "accepted_certificate_kinds"], kind !== "repeal");
      if (filling && kind === "rewrite" && wording && text && !text.value.trim() && wording.text.charAt(0) !== "(") {
        text.value = wording.text;
      }
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select.js-target, select.js-action")) {
      update(row(event.target), true);
    }
  });
  document.addEventListener("formset:added", function (event) {
    update(event.target.closest(".inline-related") || event.target, false);
  });
  document.querySelectorAll(".inline-related").forEach(function (container) {
    update(container, false);
  });
})();

// A calendar beside a DD.MM.YYYY text field: <input type="date" data-date-picker-for="id_of_text_field">.
// Picking a day writes it into the text field as DD.MM.YYYY and submits the form. Without JavaScript
// the text field alone still works.
document.querySelectorAll("input[type=date][data-date-picker-for]").forEach((picker) => {
  const field = document.getElementById(picker.dataset.datePickerFor);
  if (!field) return;
  picker.hidden = false;
  picker.addEventListener("change", () => {
    const [year, month, day] = picker.value.split("-");
    if (!year) return;
    field.value = `${day}.${month}.${year}`;
    field.form.requestSubmit();
  });
});

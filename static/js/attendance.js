// Attendance grid: "present" fills the session's hours; totals follow what is typed.
// The outcome's words ("met", "short") come translated from the script tag's data-*.
(function () {
  const words = document.currentScript ? document.currentScript.dataset : {};
  const form = document.getElementById("attendance-form");
  if (!form) return;
  function sync(input) {
    const box = form.querySelector('.present-toggle[data-for="' + input.name + '"]');
    if (box) box.checked = parseFloat(input.value) === parseFloat(box.dataset.hours);
  }
  // Mirrors the server's rule for feedback while typing; the server decides on closing.
  function total(enrollment) {
    let sum = 0;
    let allFull = true;
    form.querySelectorAll('.hours-input[data-enrollment="' + enrollment + '"]').forEach(function (i) {
      const v = parseFloat(i.value);
      const box = form.querySelector('.present-toggle[data-for="' + i.name + '"]');
      if (!isNaN(v)) sum += v;
      if (isNaN(v) || (box && v < parseFloat(box.dataset.hours))) allFull = false;
    });
    const cell = form.querySelector('[data-total-for="' + enrollment + '"]');
    if (!cell) return;
    cell.querySelector(".row-total").textContent = String(Math.round(sum * 100) / 100);
    const met = sum >= parseFloat(form.dataset.required) &&
      (allFull || form.dataset.allSessions !== "true");
    const badge = cell.querySelector(".row-outcome");
    badge.textContent = met ? words.met : words.short;
    badge.classList.toggle("text-bg-success", met);
    badge.classList.toggle("text-bg-warning", !met);
  }
  form.querySelectorAll(".hours-input").forEach(function (input) {
    sync(input);
    input.addEventListener("input", function () {
      // A pasted or phone-typed "p"/"a" (no key event) reads as the server reads it.
      const box = form.querySelector('.present-toggle[data-for="' + input.name + '"]');
      const letter = input.value.trim().toLowerCase();
      if (box && letter === "p") input.value = box.dataset.hours;
      if (box && letter === "a") input.value = "0";
      sync(input);
      total(input.dataset.enrollment);
    });
    // Keyboard: "p" marks present (the session's hours), "a" absent (0).
    input.addEventListener("keydown", function (event) {
      const box = form.querySelector('.present-toggle[data-for="' + input.name + '"]');
      const key = event.key.toLowerCase();
      if (!box || (key !== "p" && key !== "a")) return;
      event.preventDefault();
      input.value = key === "p" ? box.dataset.hours : "0";
      sync(input);
      total(input.dataset.enrollment);
    });
  });
  // "All present" for a session or an attendee fills the cells here (nothing is saved
  // until "Save attendance"); without JavaScript the button saves with them present.
  form.querySelectorAll(".all-present").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      const selector = button.dataset.session
        ? '.hours-input[data-session="' + button.dataset.session + '"]'
        : '.hours-input[data-enrollment="' + button.dataset.enrollment + '"]';
      const touched = {};
      form.querySelectorAll(selector).forEach(function (input) {
        const box = form.querySelector('.present-toggle[data-for="' + input.name + '"]');
        input.value = box.dataset.hours;
        sync(input);
        touched[input.dataset.enrollment] = true;
      });
      Object.keys(touched).forEach(total);
    });
  });
  form.querySelectorAll(".present-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      const input = document.getElementById(box.dataset.for);
      input.value = box.checked ? box.dataset.hours : "0";
      total(input.dataset.enrollment);
    });
  });
})();

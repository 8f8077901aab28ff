// Renewal form: recompute the requirement on the server whenever the selection changes.
(function () {
  const update = document.getElementById("update-total");
  if (!update) return;
  document.querySelectorAll('#renewal-form input[name="credentials"]').forEach(function (box) {
    box.addEventListener("change", function () { update.click(); });
  });
})();

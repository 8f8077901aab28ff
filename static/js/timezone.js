// The browser's time zone beside a time zone <select> (profile, sign-up). On a fresh
// sign-up form (data-detect="select") it is selected at once and said so; elsewhere it is
// offered, and nothing changes until the person clicks it. Without JS the forms work as
// before (sign-up then starts in UTC).
(function () {
  "use strict";
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!detected) return;
  document.querySelectorAll('select[name="time_zone"]').forEach(function (select) {
    var option = Array.prototype.find.call(select.options, function (o) {
      return o.value === detected;
    });
    if (!option || select.value === detected) return;
    var hint = document.createElement("div");
    hint.className = "form-text time-zone-suggestion";
    hint.setAttribute("aria-live", "polite");
    if (select.getAttribute("data-detect") === "select") {
      select.value = detected;
      hint.textContent = "Set from your browser: " + option.textContent + ". Change it if it is wrong.";
      select.insertAdjacentElement("afterend", hint);
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 align-baseline";
    button.textContent = "Use " + option.textContent;
    button.setAttribute("data-time-zone", detected);
    hint.appendChild(document.createTextNode("Your browser's time zone is " + option.textContent + ". "));
    hint.appendChild(button);
    button.addEventListener("click", function () {
      select.value = detected;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      hint.textContent = "Time zone set to " + option.textContent + ": save to keep it.";
      select.focus();
    });
    select.insertAdjacentElement("afterend", hint);
  });
})();

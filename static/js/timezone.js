// The browser's time zone beside a time zone <select> (profile, sign-up). On a fresh
// sign-up form (data-detect="select") it is selected at once and said so; elsewhere it is
// offered, and nothing changes until the person clicks it. Without JS the forms work as
// before (sign-up then starts in UTC). Its words come translated from the page: the
// script tag carries them as data-* attributes with a %(zone)s placeholder.
(function () {
  "use strict";
  var words = document.currentScript ? document.currentScript.dataset : {};
  if (!words.setFrom || !words.use || !words.browserZone || !words.zoneSet) return;
  function say(text, zone) {
    return text.split("%(zone)s").join(zone);
  }
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
      hint.textContent = say(words.setFrom, option.textContent);
      select.insertAdjacentElement("afterend", hint);
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 align-baseline";
    button.textContent = say(words.use, option.textContent);
    button.setAttribute("data-time-zone", detected);
    hint.appendChild(document.createTextNode(say(words.browserZone, option.textContent) + " "));
    hint.appendChild(button);
    button.addEventListener("click", function () {
      select.value = detected;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      hint.textContent = say(words.zoneSet, option.textContent);
      select.focus();
    });
    select.insertAdjacentElement("afterend", hint);
  });
})();

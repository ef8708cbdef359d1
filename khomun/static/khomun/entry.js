/* Khomun entry forms: input masks and fields that apply to one unit only.
 *
 * data-mask="national_id" → 1-2345-67890-12-3, "phone" → 081-234-5678 / 02-123-4567,
 * "money" → 1,234,567.50, "date" → 20/03/2562. The server accepts the masked text
 * as well as plain digits, so a browser without JavaScript loses nothing.
 * A field wrapper with data-only-for="person group" shows only while the select
 * marked data-unit-field has one of those values.
 */
(function () {
  "use strict";

  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

  function arabic(text) {
    return text.replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
  }

  function digits(text) { return arabic(text).replace(/\D/g, ""); }

  // Lay digits out in groups, e.g. [1, 4, 5, 2, 1] for a national ID.
  function group(text, sizes, max) {
    var d = digits(text).slice(0, max), out = [], i = 0;
    for (var g = 0; g < sizes.length && i < d.length; g++) {
      out.push(d.slice(i, i + sizes[g]));
      i += sizes[g];
    }
    return out.join("-");
  }

  function phone(text) {
    var d = digits(text).slice(0, 10);
    // Bangkok land lines (02) have 9 digits: 02-123-4567; mobiles 10: 081-234-5678.
    return d.indexOf("02") === 0 ? group(d, [2, 3, 4], 9) : group(d, [3, 3, 4], 10);
  }

  function money(text) {
    var t = arabic(text).replace(/[^\d.\-]/g, "");
    var negative = t.charAt(0) === "-";
    t = t.replace(/-/g, "");
    var dot = t.indexOf(".");
    var whole = dot < 0 ? t : t.slice(0, dot);
    var satang = dot < 0 ? null : t.slice(dot + 1).replace(/\./g, "").slice(0, 2);
    whole = whole.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + whole + (satang === null ? "" : "." + satang);
  }

  // Slashes go in as day and month fill up; ISO text (2019-03-20) is left as typed.
  function date(text) {
    var t = arabic(text);
    if (/[^\d\/]/.test(t)) return text;
    var parts = t.split("/");
    if (parts.length === 1 && t.length > 2) parts = [t.slice(0, 2), t.slice(2)];
    if (parts.length === 2 && parts[1].length > 2) {
      parts = [parts[0], parts[1].slice(0, 2), parts[1].slice(2)];
    }
    if (parts.length === 3) parts[2] = parts[2].slice(0, 4);
    return parts.join("/");
  }

  var MASKS = {
    national_id: function (t) { return group(t, [1, 4, 5, 2, 1], 13); },
    phone: phone,
    money: money,
    date: date
  };

  // Keep the caret after the same number of digits it followed before reformatting.
  function applyMask(input) {
    var mask = MASKS[input.dataset.mask];
    if (!mask) return;
    var before = input.value, caret = input.selectionStart;
    var after = mask(before);
    if (after === before) return;
    var wanted = digits(before.slice(0, caret === null ? before.length : caret)).length;
    input.value = after;
    if (document.activeElement !== input) return;
    var pos = 0, seen = 0;
    while (pos < after.length && seen < wanted) {
      if (/\d/.test(after.charAt(pos))) seen++;
      pos++;
    }
    input.setSelectionRange(pos, pos);
  }

  function toggleOnlyFor(form) {
    var chooser = form.querySelector("[data-unit-field]");
    if (!chooser) return;
    var unit = chooser.value;
    form.querySelectorAll("[data-only-for]").forEach(function (wrapper) {
      wrapper.hidden = wrapper.dataset.onlyFor.split(" ").indexOf(unit) < 0;
    });
  }

  function init() {
    document.querySelectorAll("input[data-mask]").forEach(function (input) {
      input.addEventListener("input", function () { applyMask(input); });
      applyMask(input);
    });
    document.querySelectorAll("form").forEach(function (form) {
      var chooser = form.querySelector("[data-unit-field]");
      if (!chooser) return;
      chooser.addEventListener("change", function () { toggleOnlyFor(form); });
      toggleOnlyFor(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

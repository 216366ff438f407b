// Suggests the browser's own time zone on the first-sign-in time-zone page: the select starts
// on it when the list holds it. Without scripts the person picks from the list.
(function () {
  var select = document.querySelector('select[data-suggest="browser-zone"]');
  if (!select || typeof Intl === "undefined") return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) {
      select.value = zone;
      return;
    }
  }
})();

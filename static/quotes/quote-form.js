// The quote form: show the caution of the experimental treatment the reader chooses, and only that one.
// Without this script the page shows the caution of the treatment it was given (the server's choice).
"use strict";
(function () {
  function showCaution() {
    var select = document.getElementById("id_treatment");
    if (!select) return;
    document.querySelectorAll("[data-caution-for]").forEach(function (caution) {
      caution.hidden = caution.getAttribute("data-caution-for") !== select.value;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("id_treatment");
    if (!select) return;
    select.addEventListener("change", showCaution);
    showCaution();
  });
})();

// The quote's total while its lines are edited: quantity x unit price, summed, in exact cents (no floating point).
"use strict";
(function () {
  function cents(text) {
    var match = /^\s*(\d+)(?:[.,](\d{0,2}))?\s*$/.exec(text || "");
    if (!match) return null;
    return BigInt(match[1]) * 100n + BigInt((match[2] || "").padEnd(2, "0"));
  }

  // Written as the saved total is (quotes/money.py): in the patient's locale, with the currency's symbol.
  function format(amount, code, locale) {
    var exact = (amount / 100n).toString() + "." + (amount % 100n).toString().padStart(2, "0");
    try {
      return new Intl.NumberFormat(locale || "en-GB", { style: "currency", currency: code }).format(exact);
    } catch (error) {
      return code + " " + exact;
    }
  }

  function update() {
    var output = document.querySelector(".live-total");
    if (!output) return;
    var currency = document.getElementById("id_currency");
    var total = 0n;
    var unreadable = false;
    document.querySelectorAll('input[name^="lines-"][name$="-quantity"]').forEach(function (quantityInput) {
      var prefix = quantityInput.name.slice(0, -"quantity".length);
      if (prefix.indexOf("__prefix__") !== -1) return;
      var deleted = document.querySelector('input[name="' + prefix + 'DELETE"]');
      var priceInput = document.querySelector('input[name="' + prefix + 'unit_price"]');
      if ((deleted && deleted.checked) || !priceInput || priceInput.value.trim() === "") return;
      var quantity = cents(quantityInput.value);
      var price = cents(priceInput.value);
      if (quantity === null || price === null) {
        unreadable = true;
        return;
      }
      // cents x cents = 1/10000: round half up to the cent, as the server does.
      total += (quantity * price + 50n) / 100n;
    });
    output.textContent = unreadable
      ? "(a quantity or price is not a number)"
      : "While editing: " + format(total, currency ? currency.value : "USD", output.dataset.locale) + " (save to keep)";
  }

  document.addEventListener("input", update);
  document.addEventListener("change", update);
  document.addEventListener("formset:added", update);
  document.addEventListener("formset:removed", update);
  document.addEventListener("DOMContentLoaded", update);
})();

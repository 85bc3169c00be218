// A reply template chosen beside a note or a reply to the patient fills it with its text, unless staff have written
// something already.
"use strict";
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select.reply-template")) return;
  var option = select.options[select.selectedIndex];
  var body = option && option.getAttribute("data-body");
  var text = document.getElementById(select.id.replace(/reply_template$/, "text"));
  if (!body || !text) return;
  if (text.value.trim() === "" || window.confirm("Replace what you wrote with this template?")) {
    text.value = body;
    text.focus();
  }
});

// Buttons with data-copy="<selector>" copy that element's text and confirm it visibly.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = document.querySelector(button.dataset.copy).textContent.trim();
    var label = button.textContent;
    function done() {
      button.textContent = button.dataset.copied || "✓";
      setTimeout(function () { button.textContent = label; }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      document.execCommand("copy"); document.body.removeChild(area); done();
    }
  });
})();

// Progress of "Descargar todas": polls the status until the ZIP is ready.
(function () {
  "use strict";
  var box = document.getElementById("download");
  if (!box) return;
  var bar = box.querySelector(".progress .bar");
  var progress = document.getElementById("download-progress");
  var count = document.getElementById("download-count");
  var link = document.getElementById("download-link");
  var message = document.getElementById("download-message");

  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.error) { message.textContent = state.error.message; return; }
        bar.style.width = state.percent + "%";
        progress.setAttribute("aria-valuenow", state.percent);
        if (state.total !== null) count.textContent = state.done + " de " + state.total + " comprobantes";
        if (state.status === "ready") {
          message.textContent = "El archivo está listo.";
          link.hidden = false;
        } else {
          setTimeout(poll, 800);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

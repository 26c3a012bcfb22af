// Progress of "Invitar": polls the batch until every invitation is queued.
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box) return;
  var bar = box.querySelector(".progress .bar");
  var progress = document.getElementById("batch-progress");
  var count = document.getElementById("batch-count");
  var message = document.getElementById("batch-message");
  // The width is set here, not in a style attribute: the Content-Security-Policy allows no inline
  // styles, while setting element.style from a script file is allowed.
  bar.style.width = bar.dataset.percent + "%";

  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.style.width = state.percent + "%";
        progress.setAttribute("aria-valuenow", state.percent);
        count.textContent = box.dataset.count.replace("{done}", state.done).replace("{total}", state.total);
        if (state.status === "done") message.textContent = box.dataset.done;
        else setTimeout(poll, 800);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

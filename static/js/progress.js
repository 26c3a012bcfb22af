// Progress of a background job ("Invitar", "Descargar todas"): polls the box's data-status-url
// until the status is data-finished ("done" unless given). The page's elements are named after
// the box's id: <id>-progress, <id>-count, <id>-message and, if the job leaves a file, <id>-link.
// data-running is the message once the job has left the queue ("pending").
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) return;
  var part = function (name) { return document.getElementById(box.id + "-" + name); };
  var bar = box.querySelector(".progress .bar");
  var progress = part("progress");
  var count = part("count");
  var message = part("message");
  var link = part("link");
  var finished = box.dataset.finished || "done";
  // The width is set here, not in a style attribute: the Content-Security-Policy allows no inline
  // styles, while setting element.style from a script file is allowed.
  bar.style.width = (bar.dataset.percent || 0) + "%";

  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.error) { message.textContent = state.error.message; return; }
        bar.style.width = state.percent + "%";
        progress.setAttribute("aria-valuenow", state.percent);
        if (state.total !== null) {
          count.textContent = box.dataset.count.replace("{done}", state.done).replace("{total}", state.total);
        }
        if (state.status === finished) {
          message.textContent = box.dataset.done;
          if (link) link.hidden = false;
        } else {
          // Queued while the broker was away: the page said it would start shortly; now it has.
          if (state.status !== "pending" && box.dataset.running) message.textContent = box.dataset.running;
          setTimeout(poll, 800);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

// Live preview of the portal's address under "Nombre del portal", as the user types.
// The subdomain is derived here the same way the server does it (accents stripped, lower case,
// dashes between words); the server is then asked whether the address is free.
(function () {
  "use strict";
  var form = document.getElementById("portal-create-form");
  if (!form) return;
  var input = form.querySelector("input[name=name]");
  var slot = document.getElementById("url-preview-subdomain");
  var note = document.getElementById("url-preview-note");
  var placeholder = slot.textContent;
  var timer = null;
  var latest = 0;

  function derive(name) {
    return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  }

  function check(name) {
    var ticket = ++latest;
    fetch(form.dataset.previewUrl + "?nombre=" + encodeURIComponent(name), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== latest) return;
        if (data.subdomain) slot.textContent = data.subdomain;
        note.textContent = data.available ? "" : (data.message || "");
        note.className = "preview-note" + (data.available ? "" : " warn");
      })
      .catch(function () { /* offline: the local preview stays */ });
  }

  function update() {
    var name = input.value;
    var subdomain = derive(name);
    slot.textContent = subdomain || placeholder;
    note.textContent = "";
    clearTimeout(timer);
    if (name.trim()) timer = setTimeout(function () { check(name); }, 250);
  }

  input.addEventListener("input", update);
  if (input.value) update();
  form.addEventListener("submit", function () {
    document.getElementById("continue").disabled = true;
    document.getElementById("submit-note").hidden = false;
  });
})();

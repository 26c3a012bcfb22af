// Activaciones: the "Invitar" dialog that links a request to a customer or supplier, and the
// "Seleccionar todos" box of "Cargar clientes/proveedores".
(function () {
  "use strict";
  var dialog = document.getElementById("invite-dialog");
  if (dialog) {
    var form = document.getElementById("invite-form");
    var who = document.getElementById("invite-who");
    var search = document.getElementById("party-search");
    var results = document.getElementById("party-results");
    var error = document.getElementById("invite-error");
    var timer = null;

    var weak = document.getElementById("weak-match");
    var acknowledge = document.getElementById("acknowledge");
    var acknowledgeError = document.getElementById("acknowledge-error");
    var ownerTold = document.getElementById("owner-told");

    // Only a match on the ERP's own email is strong; anything else needs the admin's
    // acknowledgement (the server refuses it without, whatever this page does).
    function option(party, checked) {
      var label = document.createElement("label");
      label.className = "party-option";
      var input = document.createElement("input");
      input.type = "radio"; input.name = "party"; input.value = party.value; input.checked = !!checked;
      input.dataset.strong = party.strong ? "1" : "";
      input.dataset.hasEmail = party.email ? "1" : "";
      var text = document.createElement("span");
      text.textContent = party.name + (party.tax_id ? " · CUIT " + party.tax_id : "") + " (" + party.kind + ")";
      var strength = document.createElement("small");
      strength.className = "match " + (party.strong ? "strong" : "weak");
      strength.textContent = party.match_label || dialog.dataset.searched;
      label.appendChild(input); label.appendChild(text); label.appendChild(strength);
      return label;
    }

    function chosen() { return form.querySelector("input[name=party]:checked"); }

    function update() {
      var picked = chosen();
      weak.hidden = !picked || picked.dataset.strong === "1";
      ownerTold.hidden = !picked || picked.dataset.strong === "1" || !picked.dataset.hasEmail;
      if (weak.hidden) { acknowledge.checked = false; acknowledgeError.hidden = true; }
    }

    function show(parties, note) {
      results.querySelectorAll(".party-option, .muted").forEach(function (node) { node.remove(); });
      if (note) {
        var p = document.createElement("p"); p.className = "muted"; p.textContent = note; results.appendChild(p);
      }
      // Nothing is ticked for the admin unless the ERP's email is the request's.
      var strong = parties.filter(function (party) { return party.strong; });
      parties.forEach(function (party) { results.appendChild(option(party, strong.length === 1 && party.strong)); });
      update();
    }
    results.addEventListener("change", update);

    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-invite]");
      if (!button) return;
      form.action = button.dataset.approve;
      who.textContent = ""; search.value = ""; error.hidden = true; acknowledgeError.hidden = true; show([]);
      fetch(button.dataset.invite, {headers: {"Accept": "application/json"}})
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .catch(function () { window.location.reload(); })  // decided meanwhile: the list shows how
        .then(function (request) {
          if (!request) return;
          who.textContent = request.email + (request.full_name ? " · " + request.full_name : "") +
            (request.tax_id ? " · CUIT " + request.tax_id : "") + (request.message ? " · «" + request.message + "»" : "");
          show(request.suggestions, request.suggestions.length ? dialog.dataset.suggested : "");
        });
      dialog.showModal();
      search.focus();
    });

    var latest = 0;  // answers can arrive out of order: only the newest search is shown
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (search.value.trim().length < 2) return;
        var mine = ++latest;
        fetch(search.dataset.url + "?q=" + encodeURIComponent(search.value), {headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {results: []}; })
          .then(function (data) { if (mine === latest) show(data.results, data.results.length ? "" : dialog.dataset.none); });
      }, 250);
    });
    search.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });

    form.addEventListener("submit", function (event) {
      var picked = chosen();
      if (!picked) { event.preventDefault(); error.hidden = false; return; }
      if (picked.dataset.strong !== "1" && !acknowledge.checked) { event.preventDefault(); acknowledgeError.hidden = false; }
    });
    document.getElementById("invite-cancel").addEventListener("click", function () { dialog.close(); });
  }

  // Posting every ticked row could pass the server's limit on form fields: post the unticked ones.
  var loadForm = document.getElementById("invite-load-form");
  if (loadForm) {
    loadForm.addEventListener("submit", function () {
      document.getElementById("invite-mode").value = "excluir";
      loadForm.querySelectorAll("input[name=email]").forEach(function (box) {
        if (!box.checked) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = "excluir"; hidden.value = box.value;
          loadForm.appendChild(hidden);
        }
        box.disabled = true;
      });
    });
  }

  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("#candidates input[name=email]").forEach(function (box) { box.checked = all.checked; });
    });
  }
})();

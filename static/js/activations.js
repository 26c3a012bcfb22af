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

    function option(party, checked) {
      var label = document.createElement("label");
      label.className = "party-option";
      var input = document.createElement("input");
      input.type = "radio"; input.name = "party"; input.value = party.value; input.checked = !!checked;
      var text = document.createElement("span");
      text.textContent = party.name + (party.tax_id ? " · CUIT " + party.tax_id : "") + " (" + party.kind + ")";
      label.appendChild(input); label.appendChild(text);
      return label;
    }

    function show(parties, note) {
      results.querySelectorAll(".party-option, .muted").forEach(function (node) { node.remove(); });
      if (note) {
        var p = document.createElement("p"); p.className = "muted"; p.textContent = note; results.appendChild(p);
      }
      parties.forEach(function (party, index) { results.appendChild(option(party, parties.length === 1 && index === 0)); });
    }

    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-invite]");
      if (!button) return;
      form.action = button.dataset.approve;
      who.textContent = ""; search.value = ""; error.hidden = true; show([]);
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
      if (!form.querySelector("input[name=party]:checked")) { event.preventDefault(); error.hidden = false; }
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

// "Editar" at the bottom of the menu: a pencil appears over the profile image; choosing a file
// previews it; "Finalizar edición" saves it. The server checks the file again.
(function () {
  "use strict";
  var profile = document.getElementById("profile");
  var toggle = document.getElementById("profile-edit");
  var input = document.getElementById("profile-input");
  if (!profile || !toggle || !input) return;
  var image = document.getElementById("profile-image");
  var finish = document.getElementById("profile-finish");
  var error = document.getElementById("profile-error");
  var original = image.src;
  var MAX = 2 * 1024 * 1024;
  var TYPES = ["image/png", "image/jpeg", "image/webp"];

  function setEditing(editing) {
    profile.classList.toggle("editing", editing);
    toggle.textContent = editing ? "Cancelar" : "Editar";
    if (!editing) { image.src = original; input.value = ""; finish.hidden = true; error.hidden = true; }
  }

  toggle.addEventListener("click", function () { setEditing(!profile.classList.contains("editing")); });
  profile.querySelector(".image-edit").addEventListener("click", function (event) {
    if (!profile.classList.contains("editing")) event.preventDefault();
  });
  input.addEventListener("change", function () {
    var file = input.files[0];
    error.hidden = true;
    finish.hidden = true;
    if (!file) return;
    if (TYPES.indexOf(file.type) < 0) { error.textContent = "Elija una imagen PNG, JPEG o WebP."; error.hidden = false; return; }
    if (file.size > MAX) { error.textContent = "La imagen supera los 2 MB: elija una más liviana."; error.hidden = false; return; }
    image.src = URL.createObjectURL(file);
    finish.hidden = false;
  });
})();

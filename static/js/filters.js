// The filter bar starts open on wide screens; on phones it stays folded under "Filtros"
// until opened (it is open anyway when a filter is applied).
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 768px)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) { details.open = true; });
})();

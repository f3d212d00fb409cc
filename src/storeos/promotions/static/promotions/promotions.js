// The promotion form shows only the rule fields of the chosen kind (inputs carry data-kinds).
(function () {
  function sync(form) {
    var select = form.querySelector('select[name="kind"]');
    if (!select) return;
    form.querySelectorAll("[data-kinds]").forEach(function (input) {
      var wrapper = input.closest(".field") || input;
      var shown = input.getAttribute("data-kinds").split(" ").indexOf(select.value) !== -1;
      wrapper.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("promotion-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") sync(form);
    });
    sync(form);
  });
})();

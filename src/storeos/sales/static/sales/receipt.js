// The printable receipt's Print button (a file, not an onclick: the page's CSP runs no inline code).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

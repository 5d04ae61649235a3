// Plan ouvert: a table wider than its box says so above it, in words, and can be scrolled with
// the keyboard (its box takes the focus). Without this script, the shadows of the CSS remain.
(function () {
  "use strict";
  var TEXTE = "Tableau plus large que l'écran : faites-le défiler horizontalement";

  function mark(wrap) {
    var over = wrap.scrollWidth > wrap.clientWidth + 1;
    var hint = wrap.previousElementSibling;
    var shown = hint !== null && hint.classList.contains("po-defile");
    if (over && !shown) {
      var p = document.createElement("p");
      p.className = "po-defile";
      p.textContent = TEXTE;
      wrap.parentNode.insertBefore(p, wrap);
      wrap.setAttribute("data-deborde", "");
    } else if (!over && shown) {
      hint.parentNode.removeChild(hint);
      wrap.removeAttribute("data-deborde");
    }
  }

  function markAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".po-table-wrap"), mark);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending !== null) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(markAll);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
  else markAll();
  window.addEventListener("load", markAll);
})();

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

// The follow-up timeline's « today » line: placed from the reader's own date, in the column
// whose dates hold it; left hidden when today is outside the plan's years.
(function () {
  "use strict";
  function place() {
    var today = new Date();
    Array.prototype.forEach.call(document.querySelectorAll(".po-tl-aujourdhui"), function (group) {
      var spans = (group.getAttribute("data-colonnes") || "").split(" ");
      var x0 = parseFloat(group.getAttribute("data-x0"));
      var cell = parseFloat(group.getAttribute("data-cellule"));
      for (var i = 0; i < spans.length; i++) {
        var parts = spans[i].split("/");
        var start = new Date(parts[0] + "T00:00:00"), end = new Date(parts[1] + "T00:00:00");
        if (today >= start && today < end) {
          var x = x0 + cell * (i + (today - start) / (end - start));
          var line = group.querySelector("line");
          line.setAttribute("x1", x); line.setAttribute("x2", x);
          group.setAttribute("data-place", "");
          return;
        }
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", place);
  else place();
})();

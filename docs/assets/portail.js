/* Plans list: filters in place and sorting by column.
 *
 * Without this script the list is complete, ordered by région and organisme, and the programme
 * and organisation pages are its filters. With it, the filters form appears; a status line
 * announces how many plans are shown; column headings become buttons that sort the list and
 * say so through aria-sort. Plan text is only ever moved or hidden, never written as markup.
 */
(function () {
  "use strict";

  var form = document.getElementById("filtres-plans");
  if (!form) {
    return;
  }
  var table = document.getElementById(form.getAttribute("data-table"));
  var status = document.getElementById("compte-plans");
  if (!table || !status || !table.tBodies.length || !table.tHead) {
    return;
  }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var collator = new Intl.Collator("fr-CA", { numeric: true, sensitivity: "base" });
  var sortedBy = null;

  function count(shown) {
    if (shown === 0) {
      return "Aucun plan affiché";
    }
    return shown === 1 ? "1 plan affiché" : shown + " plans affichés";
  }

  function sentence(shown) {
    var text = count(shown);
    if (sortedBy) {
      var order = sortedBy.getAttribute("aria-sort") === "ascending" ? "ordre croissant" : "ordre décroissant";
      text += ", triés par " + sortedBy.textContent.trim().toLowerCase() + " (" + order + ")";
    }
    return text + ".";
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var kept = selects.every(function (select) {
        return !select.value || row.getAttribute("data-" + select.name) === select.value;
      });
      row.hidden = !kept;
      if (kept) {
        shown += 1;
      }
    });
    status.textContent = sentence(shown);
  }

  function key(row, index) {
    var cell = row.cells[index];
    var given = cell.getAttribute("data-tri");
    return given !== null ? given : cell.textContent.trim();
  }

  function sortBy(index) {
    var head = heads[index];
    var ascending = head.getAttribute("aria-sort") !== "ascending";
    heads.forEach(function (other) {
      other.removeAttribute("aria-sort");
    });
    head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    sortedBy = head;
    var positions = new Map(rows.map(function (row, position) { return [row, position]; }));
    var ordered = rows.slice().sort(function (a, b) {
      var compared = collator.compare(key(a, index), key(b, index));
      if (!ascending) {
        compared = -compared;
      }
      return compared || positions.get(a) - positions.get(b);
    });
    ordered.forEach(function (row) {
      body.appendChild(row);
    });
    apply();
  }

  heads.forEach(function (head, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "po-tri";
    while (head.firstChild) {
      button.appendChild(head.firstChild);
    }
    head.appendChild(button);
    if (head.hasAttribute("data-tri-initial")) {
      head.setAttribute("aria-sort", "ascending");
    }
    button.addEventListener("click", function () {
      sortBy(index);
    });
  });

  selects.forEach(function (select) {
    select.addEventListener("change", apply);
  });
  form.addEventListener("reset", function () {
    // The form's values change after the reset event: filter once they have.
    window.setTimeout(apply, 0);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  table.classList.add("po-triable");
  form.hidden = false;
})();

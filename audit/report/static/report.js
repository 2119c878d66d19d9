/* Sorting and filtering for the ranking table. The page is complete without this file:
   the full table is in the HTML, and this script only reorders or hides rows.
   It never inserts HTML; all text is set with textContent. */
(function () {
  "use strict";

  var table = document.getElementById("ranking-table");
  if (!table) {
    return;
  }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  rows.forEach(function (row, i) {
    row.setAttribute("data-order", String(i));
  });
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    sensitivity: "base",
    numeric: true
  });

  function cellValue(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell ? cell.getAttribute("data-sort") || cell.textContent : "";
    return numeric ? parseFloat(raw) || 0 : raw;
  }

  function sortBy(th) {
    var headers = Array.prototype.slice.call(th.parentNode.cells);
    var col = headers.indexOf(th);
    var numeric = th.getAttribute("data-type") === "number";
    var current = th.getAttribute("aria-sort");
    // Rank and names start ascending; counts of passed criteria and scores start best first.
    var first = numeric && col > 0 ? "descending" : "ascending";
    var next = current === "ascending" ? "descending" : current === "descending" ? "ascending" : first;
    var sign = next === "ascending" ? 1 : -1;
    headers.forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", next);
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellValue(a, col, numeric);
      var y = cellValue(b, col, numeric);
      var order = numeric ? x - y : collator.compare(x, y);
      if (order === 0) {
        // Keep the published ranking as the tie-breaker so equal values stay in rank order.
        return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      }
      return sign * order;
    });
    sorted.forEach(function (row) {
      tbody.appendChild(row);
    });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var button = th.querySelector("button.sort");
    if (button) {
      button.addEventListener("click", function () {
        sortBy(th);
      });
    }
  });

  var filters = document.getElementById("filters");
  var region = document.getElementById("filter-region");
  var minimum = document.getElementById("filter-min");
  var criterion = document.getElementById("filter-criterion");
  var verdict = document.getElementById("filter-verdict");
  var reset = document.getElementById("filter-reset");
  var status = document.getElementById("table-status");
  if (!filters || !region || !minimum || !criterion || !verdict || !reset || !status) {
    return;
  }

  function matchesVerdict(row) {
    var wanted = verdict.value;
    if (!wanted) {
      return true;
    }
    var selector = criterion.value
      ? 'td[data-criterion="' + CSS.escape(criterion.value) + '"]'
      : "td[data-criterion]";
    return Array.prototype.some.call(row.querySelectorAll(selector), function (cell) {
      return cell.getAttribute("data-verdict") === wanted;
    });
  }

  function apply() {
    var shown = 0;
    var min = parseInt(minimum.value, 10) || 0;
    rows.forEach(function (row) {
      var visible =
        (!region.value || row.getAttribute("data-region") === region.value) &&
        (parseInt(row.getAttribute("data-score"), 10) || 0) >= min &&
        matchesVerdict(row);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    var template = status.getAttribute("data-template") || "";
    status.textContent = template
      .replace("{shown}", String(shown))
      .replace("{total}", String(rows.length));
  }

  [region, minimum, criterion, verdict].forEach(function (control) {
    control.addEventListener("change", apply);
  });
  reset.addEventListener("click", function () {
    region.value = "";
    minimum.value = "0";
    criterion.value = "";
    verdict.value = "";
    apply();
  });
  filters.hidden = false;
  apply();
})();

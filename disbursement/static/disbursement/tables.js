/* Sortable and searchable tables of the staff pages, without any library.
 *
 * A table with class "sortable": every header cell with data-sort="number" or data-sort="text" becomes a
 * button; a click sorts the rows by that column (again: the other way), and aria-sort says how. Numbers are
 * read from each cell's data-value (the exact figure, not its display); empty figures stay last.
 * An input with data-filter-table="ID" shows only the rows of table ID whose data-search (or text) holds
 * what is typed, with or without Vietnamese marks; a span ID-count says how many are shown.
 */
(function () {
  "use strict";

  function fold(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase();
  }

  function cellOf(row, index) {
    return row.children[index];
  }

  function sortKey(cell, kind) {
    if (!cell) return null;
    if (kind === "number") {
      var raw = cell.getAttribute("data-value");
      if (raw === null || raw === "") return null;
      var value = parseFloat(raw);
      return isNaN(value) ? null : value;
    }
    var text = cell.textContent.trim();
    return text === "" ? null : text;
  }

  function makeSortable(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
    headers.forEach(function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var ka = sortKey(cellOf(a, index), kind);
          var kb = sortKey(cellOf(b, index), kind);
          if (ka === null && kb === null) return 0;
          if (ka === null) return 1;
          if (kb === null) return -1;
          var order = kind === "number" ? ka - kb : collator.compare(ka, kb);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  }

  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    var count = document.getElementById(table.id + "-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var wanted = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row) {
        var text = fold(row.getAttribute("data-search") || row.textContent);
        var match = wanted === "" || text.indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) {
        count.textContent = wanted === "" ? rows.length + " đơn vị" : shown + "/" + rows.length + " đơn vị";
      }
    }
    input.addEventListener("input", apply);
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-table]"), makeFilter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

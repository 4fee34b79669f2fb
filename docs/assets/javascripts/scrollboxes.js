// Material wraps each plain table in a box that scrolls sideways (.md-typeset__scrollwrap) from
// its own script, so the box cannot be marked in the HTML. A box that scrolls must be reachable
// from the keyboard (arrow keys scroll it once it has focus) and say what it holds: give each one
// focus and a name, from the table's caption or its header row. Runs on every page Material shows.
(function () {
  function label(box) {
    var table = box.querySelector("table");
    if (!table) return "table";
    var caption = table.querySelector("caption");
    var text = caption ? caption.textContent : Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); }).join(", ");
    return ("Table: " + text).slice(0, 120);
  }
  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", label(box));
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(mark);
  else document.addEventListener("DOMContentLoaded", mark);
})();

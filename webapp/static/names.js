// Suggests names as you type in a search box: fills the box's <datalist> from /api/names, and opens the page
// of a name picked from the list. Served by the app itself; the names are set as text, never as HTML.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("data-names"));
    if (!list) { return; }
    input.setAttribute("list", list.id);
    var urls = {}, timer = null, asked = "";
    function fill(names) {
      urls = {};
      list.textContent = "";
      names.forEach(function (n) {
        var option = document.createElement("option");
        option.value = n.label;
        option.label = n.kind + (n.status ? " (" + n.status + ")" : "");
        urls[n.label] = n.url;
        list.appendChild(option);
      });
    }
    input.addEventListener("input", function (event) {
      var text = input.value.trim();
      // A name chosen from the list (not typed) goes straight to its page.
      if (urls[input.value] && (!event.inputType || event.inputType === "insertReplacementText")) {
        window.location.assign(urls[input.value]);
        return;
      }
      clearTimeout(timer);
      if (text.length < 2 || text === asked) { return; }
      timer = setTimeout(function () {
        asked = text;
        fetch("/api/names?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { names: [] }; })
          .then(function (data) { if (input.value.trim() === text) { fill(data.names || []); } })
          .catch(function () { fill([]); });
      }, 120);
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-names]"), attach);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());

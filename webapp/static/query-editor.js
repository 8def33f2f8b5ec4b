// Turns the /query page's textarea into the CodeMirror editor (served by the app, codemirror/), and
// puts the caret where a syntax error is (the server gives its line and column as data attributes).
(function () {
  "use strict";
  var textarea = document.getElementById("query");
  if (!textarea || !window.CopgraphEditor) { return; }
  var editor = window.CopgraphEditor.attach(textarea, { label: "SPARQL query; Ctrl+Enter runs it" });
  window.copgraphEditor = editor;
  var line = parseInt(textarea.getAttribute("data-line"), 10);
  var column = parseInt(textarea.getAttribute("data-column"), 10);
  if (line && column) { editor.caretAt(line, column); }
  document.body.setAttribute("data-editor", "ready");
}());

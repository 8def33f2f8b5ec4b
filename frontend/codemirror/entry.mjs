// The SPARQL editor of copgraph's /query page: CodeMirror 6 with its SPARQL mode, over the page's textarea.
// The form still works without it: the editor copies its text into the textarea before the form is sent.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

function attach(textarea, options) {
  const label = options && options.label ? options.label : "SPARQL query";
  const submit = () => {
    textarea.value = view.state.doc.toString();
    if (textarea.form.requestSubmit) { textarea.form.requestSubmit(); } else { textarea.form.submit(); }
    return true;
  };
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      StreamLanguage.define(sparql),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: submit }])),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": label }),
    ],
  });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  textarea.form.addEventListener("submit", () => { textarea.value = view.state.doc.toString(); });
  return {
    view,
    // Put the caret at a line and column (both from 1), as an error message names them.
    caretAt(line, column) {
      const doc = view.state.doc;
      const at = doc.line(Math.min(Math.max(1, line), doc.lines));
      const position = Math.min(at.to, at.from + Math.max(0, column - 1));
      view.dispatch({ selection: { anchor: position }, scrollIntoView: true });
      view.focus();
    },
    text() { return view.state.doc.toString(); },
  };
}

window.CopgraphEditor = { attach };

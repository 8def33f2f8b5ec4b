// Bundles entry.mjs into one minified file for the web app, and writes the licences of everything bundled
// beside it. Run: npm install && npm run build (from this folder).
import { build } from "esbuild";
import { readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "webapp", "static", "codemirror");
mkdirSync(out, { recursive: true });
// CodeMirror injects its styles through style-mod, which writes a <style> element into a document, and the
// app's Content-Security-Policy (style-src 'self') refuses inline style elements. A constructed stylesheet
// (document.adoptedStyleSheets) is not inline style: style-mod already uses one inside a shadow root, and this
// makes it use one in the document too, where the browser has them (every current one).
const adoptedStyles = {
  name: "adopted-styles",
  setup(b) {
    b.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const patched = source.replace("if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet)",
        "if (root.adoptedStyleSheets && win.CSSStyleSheet)");
      if (patched === source) { throw new Error("style-mod changed: the adopted-styles patch no longer applies"); }
      return { contents: patched, loader: "js" };
    });
  },
};
const result = await build({
  plugins: [adoptedStyles],
  entryPoints: [join(here, "entry.mjs")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  metafile: true,
  outfile: join(out, "codemirror.min.js"),
});
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) { packages.add(match[1]); }
}
const parts = ["The SPARQL editor (codemirror.min.js) bundles these packages from npm, each under its licence below.", ""];
for (const name of [...packages].sort()) {
  const folder = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  parts.push("=".repeat(78), `${name} ${meta.version} (${meta.license})`, "=".repeat(78));
  parts.push(file && existsSync(join(folder, file)) ? readFileSync(join(folder, file), "utf8").trim() : `License: ${meta.license}`, "");
}
writeFileSync(join(out, "LICENSES.txt"), parts.join("\n"));
console.log(`bundled ${packages.size} packages: ${[...packages].sort().join(", ")}`);

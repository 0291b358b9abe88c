import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Plugin } from "esbuild";

/*
 * blessed finds its parts at run time, in ways a bundler cannot follow on its own:
 * - widgets: `require('./widgets/' + file)` for each class, written out as one require
 *   per file of lib/widgets so that each is bundled;
 * - terminfo: when the system has no entry for $TERM it falls back to the copies in its own
 *   usr/ folder, read with fs from `__dirname + '/../usr/'`. A bundle has no such folder (and
 *   an ES module no __dirname), so those files are embedded and tput.js reads them through
 *   a small fs that answers for one virtual folder.
 * - its Terminal widget requires term.js and pty.js, which are not installed: left external,
 *   they fail only if that widget is ever built (the client never does).
 */

/** The folder tput.js is told its data lives in; no real file system has it. */
export const EMBEDDED_USR = "/chat-embedded/blessed/usr/";
const EMBEDDED_FS = "chat-embedded:blessed-fs";
const OPTIONAL_REQUIRES = ["term.js", "pty.js"];

export function blessedPlugin(): Plugin {
  return {
    name: "blessed-data",
    setup(build) {
      build.initialOptions.external = [
        ...(build.initialOptions.external ?? []),
        ...OPTIONAL_REQUIRES,
      ];
      let usrFolder: string | undefined;

      build.onLoad({ filter: /[\\/]blessed[\\/]lib[\\/]tput\.js$/ }, (args) => {
        usrFolder = join(dirname(args.path), "..", "usr");
        const source = readFileSync(args.path, "utf8");
        const dataPaths = source.match(/__dirname \+ '\/\.\.\/usr\//g)?.length ?? 0;
        const fsRequires = source.match(/fs = require\('fs'\)/g)?.length ?? 0;
        if (dataPaths !== 4 || fsRequires !== 1) {
          throw new Error(
            `blessed's tput.js changed (${dataPaths} data paths, ${fsRequires} fs requires): check tools/release/src/blessed-plugin.ts`,
          );
        }
        const contents = source
          .replace(/__dirname \+ '\/\.\.\/usr\//g, `'${EMBEDDED_USR}`)
          .replace("fs = require('fs')", `fs = require(${JSON.stringify(EMBEDDED_FS)})`);
        return { contents, loader: "js" };
      });

      // esbuild turns the pattern into a table keyed by file name with ".js", which the
      // code asks for without: the table is written out here, one require per widget file.
      build.onLoad({ filter: /[\\/]blessed[\\/]lib[\\/]widget\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const pattern = "require('./widgets/' + file)";
        if (!source.includes(pattern)) {
          throw new Error("blessed's widget.js changed: check tools/release/src/blessed-plugin.ts");
        }
        const files = readdirSync(join(dirname(args.path), "widgets"))
          .filter((name) => name.endsWith(".js"))
          .map((name) => name.slice(0, -3));
        const table = files
          .map((name) => `${JSON.stringify(name)}: () => require("./widgets/${name}.js")`)
          .join(",\n");
        const contents = `var chatWidgets = {\n${table}\n};\n${source.replace(pattern, "chatWidgets[file]()")}`;
        return { contents, loader: "js" };
      });

      build.onResolve({ filter: new RegExp(`^${EMBEDDED_FS}$`) }, () => ({
        path: EMBEDDED_FS,
        namespace: "chat-embedded",
      }));
      build.onLoad({ filter: /.*/, namespace: "chat-embedded" }, () => {
        if (usrFolder === undefined) throw new Error("blessed's tput.js was not bundled");
        return { contents: embeddedFs(usrFolder), loader: "js" };
      });

      build.onEnd((result) => {
        if (result.errors.length > 0 || !result.metafile) return;
        const inputs = Object.keys(result.metafile.inputs);
        const widgets = inputs.filter((path) => /blessed\/lib\/widgets\/[^/]+\.js$/.test(path));
        const expected = usrFolder
          ? readdirSync(join(usrFolder, "..", "lib", "widgets")).filter((f) => f.endsWith(".js"))
          : [];
        if (widgets.length === 0 || widgets.length < expected.length) {
          throw new Error(`bundle holds ${widgets.length} of blessed's ${expected.length} widgets`);
        }
      });
    },
  };
}

/** A CommonJS module: node's fs, but with blessed's usr/ files (not its fonts) at EMBEDDED_USR. */
function embeddedFs(usrFolder: string): string {
  const files: Record<string, string> = {};
  for (const name of readdirSync(usrFolder)) {
    const path = join(usrFolder, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path).toString("base64");
  }
  return `
const fs = require("fs");
const prefix = ${JSON.stringify(EMBEDDED_USR)};
const files = ${JSON.stringify(files)};
function embedded(file) {
  return typeof file === "string" && file.startsWith(prefix) ? files[file.slice(prefix.length)] : undefined;
}
module.exports = Object.assign(Object.create(fs), {
  readFileSync(file, options) {
    const data = embedded(file);
    if (data === undefined) return fs.readFileSync(file, options);
    const bytes = Buffer.from(data, "base64");
    const encoding = typeof options === "string" ? options : options && options.encoding;
    return encoding ? bytes.toString(encoding) : bytes;
  },
});
`;
}

#!/usr/bin/env node
// Keeps cross-references to docs/protocol.md true: every `docs/protocol.md#anchor` (and a
// `#anchor` that follows it on the same line) in a tracked file must be a heading of the
// document, and no file may cite a section by number ("protocol.md section 5", "§3"),
// since numbers change when the document does. Run after the build (it reads the heading
// parser of @chat/conformance from its dist). Exit 1 with one line per broken reference.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseSections } from "../packages/conformance/dist/protocol-sections.js";

const root = new URL("..", import.meta.url);
const anchors = new Set(
  parseSections(readFileSync(new URL("docs/protocol.md", root), "utf8")).map((s) => s.anchor),
);
const files = execFileSync("git", ["ls-files", "*.ts", "*.mjs", "*.md"], { cwd: root })
  .toString()
  .split("\n")
  .filter((file) => file !== "" && file !== "scripts/check-doc-refs.mjs");

const BY_NUMBER = /protocol\.md[,)]?\s*(?:§|sections?\s+\d|\d)|§\s?\d/;
const REFERENCE = /protocol\.md#([\w-]+)((?:(?:,| and| to| or)\s+#[\w-]+)*)/g;
const problems = [];
for (const file of files) {
  const lines = readFileSync(new URL(file, root), "utf8").split("\n");
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    if (file !== "docs/protocol.md" && BY_NUMBER.test(line)) {
      problems.push(`${where}: cites docs/protocol.md by section number; cite its #anchor`);
    }
    for (const match of line.matchAll(REFERENCE)) {
      const cited = [match[1], ...[...match[2].matchAll(/#([\w-]+)/g)].map((m) => m[1])];
      for (const anchor of cited) {
        if (!anchors.has(anchor)) problems.push(`${where}: docs/protocol.md has no #${anchor}`);
      }
    }
  });
}
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log(`docs/protocol.md references: ${files.length} files checked, all anchors exist`);

/*
 * The sections of docs/protocol.md, read from its headings, so that the kit names the
 * sections it checks exactly as the document does. `protocol-sections.generated.ts` holds
 * them for the published kit (which does not ship the document); a test regenerates it
 * from the document and fails when the two differ (`vitest -u` writes it again).
 */

export interface ProtocolSection {
  /** The heading's anchor on GitHub: `3-text`, `usernames`. */
  readonly anchor: string;
  /** The heading without its number: `Text`. */
  readonly title: string;
  /** `3` for `## 3. Text`; absent for a heading without one. */
  readonly number?: string;
  /** Anchor of the `##` section a `###` heading sits in. */
  readonly parent?: string;
}

/** The `##` and `###` headings of a Markdown document, outside code fences. */
export function parseSections(markdown: string): ProtocolSection[] {
  const sections: ProtocolSection[] = [];
  const seen = new Map<string, number>();
  let fenced = false;
  let parent: string | undefined;
  for (const line of markdown.split("\n")) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(##|###) +(.+?) *$/.exec(line);
    if (heading === null) continue;
    const text = heading[2] as string;
    const anchor = uniqueAnchor(slug(text), seen);
    const numbered = /^(\d+)\. +(.+)$/.exec(text);
    const title = numbered === null ? text : (numbered[2] as string);
    if (heading[1] === "##") {
      parent = anchor;
      sections.push(numbered === null ? { anchor, title } : { anchor, title, number: numbered[1] });
    } else {
      sections.push(parent === undefined ? { anchor, title } : { anchor, title, parent });
    }
  }
  return sections;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function uniqueAnchor(anchor: string, seen: Map<string, number>): string {
  const count = seen.get(anchor) ?? 0;
  seen.set(anchor, count + 1);
  return count === 0 ? anchor : `${anchor}-${count}`;
}

/** The source of protocol-sections.generated.ts for these sections. */
export function renderSectionsModule(sections: readonly ProtocolSection[]): string {
  const rows = sections.map((section) => {
    const fields = Object.entries(section).map(
      ([key, value]) => `${key}: ${JSON.stringify(value)}`,
    );
    return `  { ${fields.join(", ")} },`;
  });
  return [
    "// Generated from the headings of docs/protocol.md by protocol-sections.test.ts",
    "// (`pnpm --filter @chat/conformance test -- -u` writes it again). Do not edit.",
    'import type { ProtocolSection } from "./protocol-sections.js";',
    "",
    "export const PROTOCOL_SECTIONS: readonly ProtocolSection[] = [",
    ...rows,
    "];",
    "",
  ].join("\n");
}

import { PROTOCOL_SECTIONS } from "./protocol-sections.generated.js";

/*
 * Check groups: what comes before the dot of a check id ("2" in "2.15") and the section of a
 * document whose rules its checks test. Groups 1 to 5 are sections of docs/protocol.md, by
 * title. Their numbers were given before the shipped document numbered its sections (it put
 * "Packets" second), and they are kept because users cite them: group 2 checks section 3,
 * Text. The titles, section numbers and anchors the kit shows are the document's own
 * (protocol-sections.generated.ts). Group C, the cross-node checks, tests the guarantees of
 * docs/cluster.md.
 */

export interface CheckGroup {
  readonly document: "docs/protocol.md" | "docs/cluster.md";
  /** The heading's anchor in that document: `3-text`. */
  readonly anchor: string;
  /** What `section` says in results: `Text`. */
  readonly title: string;
  /** The section's number in docs/protocol.md, where it has one. */
  readonly number?: string;
}

const PROTOCOL_GROUP_TITLES: Readonly<Record<string, string>> = {
  "1": "Framing",
  "2": "Text",
  "3": "Who is who",
  "4": "Routing and errors",
  "5": "Abuse limits",
};

/**
 * Group 6 checks revision 3's address check. Its section is the document's heading that
 * starts "Revision 3" when it has one, else the anchor the code cites.
 */
const ADDRESS_CHECK_GROUP: CheckGroup = {
  document: "docs/protocol.md",
  ...(PROTOCOL_SECTIONS.find(
    (s) => s.anchor.startsWith("revision-3") && s.parent === undefined,
  ) ?? {
    anchor: "revision-3-the-address-check",
    title: "Revision 3: the address check",
  }),
};

const CLUSTER_GROUP: CheckGroup = {
  document: "docs/cluster.md",
  anchor: "guarantees",
  title: "Cluster",
};

/** Every group; throws at load if docs/protocol.md lost a section a group checks. */
export const CHECK_GROUPS: ReadonlyMap<string, CheckGroup> = new Map([
  ...Object.entries(PROTOCOL_GROUP_TITLES).map(([group, title]): [string, CheckGroup] => {
    const section = PROTOCOL_SECTIONS.find((s) => s.title === title && s.parent === undefined);
    if (section === undefined) throw new Error(`docs/protocol.md has no section "${title}"`);
    return [group, { document: "docs/protocol.md", ...section }];
  }),
  ["6", ADDRESS_CHECK_GROUP],
  ["C", CLUSTER_GROUP],
]);

/** The section a group checks: `groupSection("2").title` is `Text`. */
export function groupSection(group: string): CheckGroup {
  const section = CHECK_GROUPS.get(group);
  if (section === undefined) throw new Error(`no check group ${group}`);
  return section;
}

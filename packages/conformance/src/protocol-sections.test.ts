import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROTOCOL_SECTIONS } from "./protocol-sections.generated.js";
import { parseSections, renderSectionsModule, slug } from "./protocol-sections.js";

const DOC = new URL("../../../docs/protocol.md", import.meta.url);

describe("the sections of docs/protocol.md", () => {
  it("are the ones the kit was built with (protocol-sections.generated.ts)", async () => {
    const source = renderSectionsModule(parseSections(readFileSync(DOC, "utf8")));
    await expect(source).toMatchFileSnapshot("./protocol-sections.generated.ts");
  });

  it("are read from ## and ### headings outside code fences, numbered or not", () => {
    const doc = [
      "# Title",
      "## 1. Framing",
      "```md",
      "## 9. Not a heading",
      "```",
      "### Error texts",
      "## Revision 2",
    ];
    expect(parseSections(doc.join("\n"))).toEqual([
      { anchor: "1-framing", title: "Framing", number: "1" },
      { anchor: "error-texts", title: "Error texts", parent: "1-framing" },
      { anchor: "revision-2", title: "Revision 2" },
    ]);
  });

  it("get GitHub's anchors", () => {
    expect(slug("7. Decisions and why")).toBe("7-decisions-and-why");
    expect(slug("Who is who?")).toBe("who-is-who");
    expect(PROTOCOL_SECTIONS.map((section) => section.anchor)).toContain("usernames");
  });
});

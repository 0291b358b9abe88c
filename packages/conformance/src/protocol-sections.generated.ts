// Generated from the headings of docs/protocol.md by protocol-sections.test.ts
// (`pnpm --filter @chat/conformance test -- -u` writes it again). Do not edit.
import type { ProtocolSection } from "./protocol-sections.js";

export const PROTOCOL_SECTIONS: readonly ProtocolSection[] = [
  { anchor: "1-framing", title: "Framing", number: "1" },
  { anchor: "2-packets", title: "Packets", number: "2" },
  { anchor: "3-text", title: "Text", number: "3" },
  { anchor: "usernames", title: "Usernames", parent: "3-text" },
  { anchor: "messages", title: "Messages", parent: "3-text" },
  { anchor: "client-conventions", title: "Client conventions", parent: "3-text" },
  { anchor: "4-who-is-who", title: "Who is who", number: "4" },
  { anchor: "5-routing-and-errors", title: "Routing and errors", number: "5" },
  { anchor: "error-texts", title: "Error texts", parent: "5-routing-and-errors" },
  { anchor: "6-abuse-limits", title: "Abuse limits", number: "6" },
  { anchor: "7-decisions-and-why", title: "Decisions and why", number: "7" },
  { anchor: "revision-2", title: "Revision 2" },
  { anchor: "revision-3-identity", title: "Revision 3: identity" },
  { anchor: "revision-3-the-address-check", title: "Revision 3: the address check" },
  { anchor: "wire-forms", title: "Wire forms", parent: "revision-3-the-address-check" },
  { anchor: "tokens", title: "Tokens", parent: "revision-3-the-address-check" },
  { anchor: "checked-names", title: "Checked names", parent: "revision-3-the-address-check" },
  { anchor: "the-policy", title: "The policy", parent: "revision-3-the-address-check" },
  { anchor: "the-list-push", title: "The list push", parent: "revision-3-the-address-check" },
  { anchor: "logs", title: "Logs", parent: "revision-3-the-address-check" },
  { anchor: "measured-after", title: "Measured after", parent: "revision-3-the-address-check" },
];

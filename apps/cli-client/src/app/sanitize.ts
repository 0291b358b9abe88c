/*
 * The escaping of untrusted text is shared by every command (@chat/client/cli); the
 * terminal client adds only what blessed needs.
 */
export { isPrintable, sanitizeLine, sanitizeMessage, stableWidthForm } from "@chat/client/cli";

/**
 * Escapes blessed's tag syntax, so "{red-fg}" typed by someone is shown, not obeyed.
 * Apply last, to text that is about to become blessed content.
 */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (brace) => (brace === "{" ? "{open}" : "{close}"));
}

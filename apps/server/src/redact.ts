/*
 * Secrets in URLs: a Redis URL may carry a password (redis://user:secret@host). Anything that
 * echoes or logs a URL, or an error that may quote one, goes through here first.
 */

// scheme://userinfo@, up to the token's last "@": a malformed URL may have a raw "@" or "/"
// in its password, and all of it must go.
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s"'`]*)@/gi;

/** Every URL's password in `text` replaced by `***` (the user name stays, for the operator). */
export function redactUrls(text: string): string {
  return text.replace(USERINFO, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    // redis://secret@host: ioredis reads a lone userinfo as the password.
    return colon < 0 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

/**
 * An error as a log field without secrets: its message and stack redacted, and none of the
 * properties (Node's URL errors carry the whole `input`) that might quote a URL.
 */
export function redactedError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactUrls(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: redactUrls(error.message),
    ...(typeof code === "string" ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: redactUrls(error.stack) }),
  };
}

/**
 * An environment file as systemd's EnvironmentFile= and docker's --env-file write it:
 * KEY=value lines, `#` comments, blank lines, an optional `export `, and a value in single
 * or double quotes kept as is. Pure: the caller reads the file.
 */
export class EnvFileError extends Error {
  override readonly name = "EnvFileError";
}

export function parseEnvFile(text: string, source: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) {
      throw new EnvFileError(`${source} line ${index + 1}: not NAME=value`);
    }
    vars[match[1] as string] = unquote(match[2] as string);
  }
  return vars;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1);
  }
  return value;
}

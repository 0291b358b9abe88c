import { describe, expect, it } from "vitest";
import { CommandLineError, readCommandLine } from "./command-line.js";

const OPTIONS = {
  name: { type: "string" },
  tag: { type: "string", multiple: true },
  verbose: { type: "boolean", short: "v" },
} as const;

const refusal = (argv: string[]) => {
  try {
    readCommandLine(argv, OPTIONS);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandLineError);
    return (error as Error).message;
  }
  throw new Error("accepted");
};

describe("readCommandLine", () => {
  it("reads --flag value, --flag=value, switches and repeatable flags", () => {
    expect(readCommandLine(["--name", "ann", "-v", "--tag=a", "--tag", "b"], OPTIONS)).toEqual({
      name: "ann",
      verbose: true,
      tag: ["a", "b"],
    });
  });

  it("ignores the leading -- that pnpm passes through", () => {
    expect(readCommandLine(["--", "--name", "ann"], OPTIONS)).toEqual({ name: "ann" });
  });

  it.each([
    [["--bogus"], "unknown option --bogus (see --help)"],
    [["stray"], "unexpected argument stray (see --help)"],
    [["--name"], "--name needs a value"],
    [["--verbose=yes"], "--verbose takes no value"],
    [["--name", "a", "--name", "b"], "--name given twice"],
    [["--name", "-x"], '--name: write a value that starts with "-" as --name=-…'],
  ])("refuses %j in one line: %s", (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});

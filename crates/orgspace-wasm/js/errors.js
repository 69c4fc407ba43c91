// The error the engine throws, defined in JavaScript so that `instanceof` and `name` work as
// for any Error subclass. The WebAssembly constructs it (src/error.rs); the package exports it.

/** A refusal or bad input: `code` is `denied`, `invalid`, `not_found` or `conflict`; `rule` names the SPEC rule of a refusal. */
export class OrgspaceError extends Error {
  constructor(code, rule, message) {
    super(message);
    this.name = "OrgspaceError";
    this.code = code;
    this.rule = rule;
  }
}

/** Whether `err` is an OrgspaceError (of `code`, when given); also one from another copy of the package. */
export function isOrgspaceError(err, code) {
  return err instanceof Error && err.name === "OrgspaceError" && typeof err.code === "string" && (code === undefined || err.code === code);
}

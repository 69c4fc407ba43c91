
// ---- Written by hand (crates/orgspace-wasm/npm/types.d.ts), appended to the generated types.

declare global {
  // Empty unless the program has `lib: ["esnext.disposable"]` (or newer): then it merges with
  // the standard `Disposable` and `using engine = new Engine()` type-checks. Without that lib
  // these types still check under `strict` with no `skipLibCheck`.
  interface Disposable {}
}

export interface Engine extends Disposable {
  /** The queries of one user, as `engine.check(user, ...)` etc.; `at` defaults to `Date.now()`. */
  as(user: string): Actor;
  /**
   * Adds a workspace view (`GET /v1/orgs/{org}/views/workspaces/{workspace}`), or the `view` of
   * pages of the first view's lists (`GET /v1/orgs/{org}/views/workspaces`, `.../views/members`;
   * several at once in an array), to an engine loaded from the same member's first view
   * (`Engine.fromSnapshot(first.view)`) at the same version: the engine then answers for that
   * workspace too. Until then a question about it throws `invalid`, never a guess. Throws
   * `invalid` for another member's view or another version (load the first view again), or an
   * engine not loaded from a first view, or one that holds all of it.
   */
  addWorkspaceView(view: Snapshot | string | (Snapshot | string)[]): void;
  /** The member's view this engine was loaded from, with the workspace views added (what a page renders); `undefined` for an engine not loaded from a view. */
  loadedView(): Snapshot | undefined;
}

/** `engine.as(user)`: one user's queries. Times are ms since the epoch, `Date.now()` if left out. */
export interface Actor {
  readonly engine: Engine;
  readonly user: string;
  check(operation: Operation, asset: string, at?: number): Answer;
  can(operation: Operation, asset: string, at?: number): boolean;
  filter(operation: Operation, assets: readonly string[], at?: number): string[];
  visibleAssets(workspace: string, at?: number): string[];
  visibleFolders(workspace: string, at?: number): string[];
  checkCreate(workspace: string, kind: Kind): Answer;
  mayRun(command: Command, at?: number): Answer;
  dataScope(dataset: string, at?: number): DataScope;
  previewRows(dataset: string, rows: readonly Readonly<Record<string, unknown>>[], at?: number): Record<string, unknown>[];
  execute(command: Command, at?: number): Applied;
}

/** What went wrong: a rule refused (`denied`), bad input, an unknown id, or a clash with the state. */
export type ErrorCode = "denied" | "invalid" | "not_found" | "conflict";

/** Every error the engine throws. A refused command changed nothing. */
export class OrgspaceError extends Error {
  private constructor();
  readonly name: "OrgspaceError";
  readonly code: ErrorCode;
  /** The SPEC rule that refused, for refusals by a rule. */
  readonly rule: Rule | undefined;
}

/** Whether `err` is an `OrgspaceError` (with `code`, when given), also across package copies. */
export function isOrgspaceError<C extends ErrorCode = ErrorCode>(err: unknown, code?: C): err is OrgspaceError & { readonly code: C };

// What every entry exports: the WebAssembly classes and functions, the error class, and
// `engine.as(user)`. The entries differ only in how the WebAssembly gets instantiated.
import { Engine } from "./web/orgspace.js";
import { OrgspaceError } from "./web/snippets/orgspace/js/errors.js";

export { Engine, applyDataScope, commandOperation } from "./web/orgspace.js";
export { OrgspaceError, isOrgspaceError } from "./web/snippets/orgspace/js/errors.js";

/** One user's queries (`engine.as(user)`); `at` defaults to the clock of the caller. */
class Actor {
  constructor(engine, user) {
    if (typeof user !== "string") throw new OrgspaceError("invalid", undefined, "user must be a string");
    this.engine = engine;
    this.user = user;
  }
  check(operation, asset, at = Date.now()) { return this.engine.check(this.user, operation, asset, at); }
  can(operation, asset, at = Date.now()) { return this.engine.can(this.user, operation, asset, at); }
  filter(operation, assets, at = Date.now()) { return this.engine.filter(this.user, operation, assets, at); }
  visibleAssets(workspace, at = Date.now()) { return this.engine.visibleAssets(this.user, workspace, at); }
  visibleFolders(workspace, at = Date.now()) { return this.engine.visibleFolders(this.user, workspace, at); }
  checkCreate(workspace, kind) { return this.engine.checkCreate(this.user, workspace, kind); }
  mayRun(command, at = Date.now()) { return this.engine.mayRun(this.user, command, at); }
  dataScope(dataset, at = Date.now()) { return this.engine.dataScope(this.user, dataset, at); }
  previewRows(dataset, rows, at = Date.now()) { return this.engine.previewRows(this.user, dataset, rows, at); }
  execute(command, at = Date.now()) { return this.engine.execute(this.user, command, at); }
}

Engine.prototype.as = function as(user) {
  return new Actor(this, user);
};

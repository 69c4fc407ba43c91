// A browser app built by a bundler (moduleResolution bundler, DOM lib): orgspace/web's init.
import { init, initSync, Engine, isOrgspaceError } from "orgspace/web";

async function start(url: string): Promise<string[]> {
  await init(url);
  await init(new URL(url, location.href));
  await init(fetch(url));
  await init();
  initSync(new Uint8Array(await (await fetch(url)).arrayBuffer()));
  const engine = new Engine();
  try {
    return engine.as("carol").visibleAssets("sales");
  } catch (err) {
    return isOrgspaceError(err, "not_found") ? [] : [String(err)];
  }
}
export const started = start("/orgspace_bg.wasm");

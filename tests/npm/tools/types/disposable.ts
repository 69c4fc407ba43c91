// With lib esnext.disposable, `using` frees the engine at the end of the scope.
import { Engine } from "orgspace";

export function version(): number {
  using engine = new Engine();
  return engine.version;
}

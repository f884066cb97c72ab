// @fileoverview A full garbage collection on request, for the one place where waiting for V8's own would cost
// hundreds of MB: native memory that only a collected object's finalizer frees (a tree-sitter syntax tree). V8 sees
// the tree's wrapper as a few bytes, so nothing in the JS heap asks for the collection that would free the
// hundreds of MB behind it. The gc() function is what `node --expose-gc` exposes, reached without the flag.

import v8 from "node:v8";
import vm from "node:vm";

let gc: (() => void) | null | undefined;

/** Runs a full collection (nothing when this Node cannot expose one). */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      gc = vm.runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

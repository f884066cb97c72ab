// @fileoverview Per-function closures over a call graph (syscall and import sets per strongly connected
// component): what each function of a library reaches, for the library analysis.

import { Tarjan } from "../util/scc.js";
import type { Graph } from "./callgraph.js";

/** `set` with the members of `list` added; copied first unless `owned` (made for the component being built). */
function addBits(set: Uint32Array, owned: boolean, list: readonly number[]): Uint32Array {
  const out = owned ? set : set.slice();
  for (const x of list) out[x >>> 5] = (out[x >>> 5] as number) | (1 << (x & 31));
  return out;
}

/** `set` with `other`'s members added (same length); copied first unless `owned`. */
function orBits(set: Uint32Array, owned: boolean, other: Uint32Array): Uint32Array {
  const out = owned ? set : set.slice();
  for (let w = 0; w < out.length; w++) out[w] = (out[w] as number) | (other[w] as number);
  return out;
}

/**
 * Per-function closures over the call graph, computed once per strongly connected component (Tarjan, iterative)
 * with syscall sets and import sets as bitsets, so every export of a large library costs one lookup. A component
 * that adds nothing to its only successor shares that successor's bitsets (copied on first write). Imports are
 * indices into `importNames` (sorted names). Edges into `skip` functions are left out.
 */
export function sccClosure(graph: Graph, own: number[][], ownImports: number[][], importCount: number, unresolvedOwn: number[], skip: Uint8Array | undefined) {
  const n = graph.starts.length;
  const { succOff, succ } = graph;
  const WORDS = 33; // 1024 syscall numbers and the two clone modes
  const IWORDS = Math.max(1, Math.ceil(importCount / 32));
  const comp = new Int32Array(n).fill(-1);
  const EMPTY_BITS = new Uint32Array(WORDS);
  const EMPTY_IMPORTS = new Uint32Array(IWORDS);
  const bits: Uint32Array[] = [];
  const imps: Uint32Array[] = [];
  const hasIndirect: boolean[] = [];
  const unres: number[] = [];
  // Each component is complete after every component it reaches: their bitsets are final when it is merged.
  const onComponent = (component: number[]): void => {
    const c = bits.length;
    let b: Uint32Array = EMPTY_BITS;
    let bOwned = false;
    let im: Uint32Array = EMPTY_IMPORTS;
    let imOwned = false;
    let ind = false;
    let un = 0;
    for (const m of component) comp[m] = c;
    for (const mm of component) {
      const mine = own[mm] as number[];
      if (mine.length > 0) {
        b = addBits(b, bOwned, mine);
        bOwned = true;
      }
      const mineImports = ownImports[mm] as number[];
      if (mineImports.length > 0) {
        im = addBits(im, imOwned, mineImports);
        imOwned = true;
      }
      if ((graph.indirect[mm] as number) > 0) ind = true;
      un += unresolvedOwn[mm] as number;
      for (let e2 = succOff[mm] as number; e2 < (succOff[mm + 1] as number); e2++) {
        const s = succ[e2] as number;
        if (skip !== undefined && skip[s] === 1) continue;
        const sc = comp[s] as number;
        if (sc === c || sc < 0) continue;
        const sb = bits[sc] as Uint32Array;
        if (sb !== b && sb !== EMPTY_BITS) {
          if (b === EMPTY_BITS) b = sb; // shared until something is added
          else {
            b = orBits(b, bOwned, sb);
            bOwned = true;
          }
        }
        const si = imps[sc] as Uint32Array;
        if (si !== im && si !== EMPTY_IMPORTS) {
          if (im === EMPTY_IMPORTS) im = si;
          else {
            im = orBits(im, imOwned, si);
            imOwned = true;
          }
        }
        if (hasIndirect[sc]) ind = true;
        un += unres[sc] as number;
      }
    }
    bits.push(b);
    imps.push(im);
    hasIndirect.push(ind);
    unres.push(un);
  };
  const tarjan = new Tarjan(
    (f) => succ.subarray(succOff[f], succOff[f + 1]),
    onComponent,
    skip === undefined ? undefined : (s) => skip[s] !== 1,
  );
  for (let root = 0; root < n; root++) tarjan.visit(root);
  const members = (set: Uint32Array): number[] => {
    const out: number[] = [];
    for (let w = 0; w < set.length; w++) {
      let v = set[w] as number;
      while (v !== 0) {
        const t = 31 - Math.clz32(v & -v);
        out.push(w * 32 + t);
        v &= v - 1;
      }
    }
    return out;
  };
  return {
    of(f: number): { syscalls: number[]; indirect: boolean; imports: number[]; unresolved: number } {
      const c = comp[f] as number;
      return { syscalls: members(bits[c] as Uint32Array), indirect: hasIndirect[c] as boolean, imports: members(imps[c] as Uint32Array), unresolved: unres[c] as number };
    },
  };
}

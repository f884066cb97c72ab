// @fileoverview Tarjan's strongly connected components, iterative, defined once: the per-component closures of a
// library's call graph (analyze/closure.ts) and the functions followed across libraries (analyze/libraries.ts).

/**
 * Tarjan's algorithm over nodes numbered 0, 1, ... by the caller, who may make them on demand: `edges(v)` is asked
 * once per node, when the walk first reaches it, and `follow(w)` (optional) leaves an edge out when false. Each
 * component goes to `onComponent` as soon as it is complete, after every component it reaches (reverse topological
 * order), its members in the order they leave the stack (the component's root last). The walk keeps its own stack,
 * so a deep call graph cannot overflow JavaScript's.
 */
export class Tarjan {
  private readonly index: number[] = [];
  private readonly low: number[] = [];
  private readonly onStack: boolean[] = [];
  private readonly stack: number[] = [];
  private counter = 0;

  constructor(
    private readonly edges: (v: number) => ArrayLike<number>,
    private readonly onComponent: (members: number[]) => void,
    private readonly follow?: (w: number) => boolean,
  ) {}

  /** Whether a walk has reached v. */
  visited(v: number): boolean {
    return this.index[v] !== undefined;
  }

  /** Walks from root (nothing when a walk has reached it already). */
  visit(root: number): void {
    if (this.visited(root)) return;
    const { index, low, onStack, stack } = this;
    const frames: { v: number; succ: ArrayLike<number>; i: number }[] = [];
    const enter = (v: number): void => {
      index[v] = low[v] = this.counter++;
      stack.push(v);
      onStack[v] = true;
      frames.push({ v, succ: this.edges(v), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const top = frames[frames.length - 1] as { v: number; succ: ArrayLike<number>; i: number };
      const v = top.v;
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++] as number;
        if (this.follow !== undefined && !this.follow(w)) continue;
        if (index[w] === undefined) enter(w);
        else if (onStack[w] === true) low[v] = Math.min(low[v] as number, index[w]);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent.v] = Math.min(low[parent.v] as number, low[v] as number);
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      let m: number;
      do {
        m = stack.pop() as number;
        onStack[m] = false;
        members.push(m);
      } while (m !== v);
      this.onComponent(members);
    }
  }
}

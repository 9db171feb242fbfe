/**
 * The lock-order graph: an edge a -> b whenever some thread asked for lock b
 * while it held lock a. A cycle means two (or more) threads can each hold
 * what the next one wants: a deadlock waiting for the wrong timing, whether
 * or not this run hit it (the idea of Linux's lockdep). Pure functions.
 */
export interface LockEdge {
  from: number;
  to: number;
  /** How many times the edge was taken. */
  count: number;
  /** The worker that first reported it. */
  by: number;
}

/**
 * One cycle per strongly connected component that has one (Tarjan's
 * algorithm for the components, then a walk inside the component), each as
 * a closed path [a, b, ..., a] starting at the component's smallest lock.
 * Deterministic: nodes and edges are visited in ascending order.
 */
export function findCycles(nodes: number, edges: readonly LockEdge[]): number[][] {
  const adj: number[][] = Array.from({ length: nodes }, () => []);
  for (const e of edges) adj[e.from]?.push(e.to);
  for (const a of adj) a.sort((x, y) => x - y);

  const index = new Array<number>(nodes).fill(-1);
  const low = new Array<number>(nodes).fill(0);
  const onStack = new Array<boolean>(nodes).fill(false);
  const stack: number[] = [];
  const comps: number[][] = [];
  let next = 0;
  const strong = (v: number): void => {
    index[v] = low[v] = next++;
    stack.push(v);
    onStack[v] = true;
    for (const w of adj[v] ?? []) {
      if (index[w] === -1) {
        strong(w);
        low[v] = Math.min(low[v] as number, low[w] as number);
      } else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
    }
    if (low[v] === index[v]) {
      const comp: number[] = [];
      for (;;) {
        const w = stack.pop() as number;
        onStack[w] = false;
        comp.push(w);
        if (w === v) break;
      }
      comps.push(comp.sort((x, y) => x - y));
    }
  };
  for (let v = 0; v < nodes; v++) if (index[v] === -1) strong(v);

  const cycles: number[][] = [];
  for (const comp of comps) {
    const start = comp[0] as number;
    const selfLoop = (adj[start] ?? []).includes(start);
    if (comp.length === 1 && !selfLoop) continue;
    // Every node of the component reaches every other, so a walk that only
    // takes unvisited nodes of the component gets back to start.
    const inComp = new Set(comp);
    const path = [start];
    const seen = new Set([start]);
    const walk = (v: number): boolean => {
      for (const w of adj[v] ?? []) {
        if (w === start) return path.push(start) > 0;
        if (!inComp.has(w) || seen.has(w)) continue;
        seen.add(w);
        path.push(w);
        if (walk(w)) return true;
        path.pop();
      }
      return false;
    };
    if (walk(start)) cycles.push(path);
  }
  return cycles.sort((a, b) => (a[0] as number) - (b[0] as number));
}

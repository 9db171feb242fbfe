/** The work both sides can compute: the worker does it, the lab checks it. */
export function busySum(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + ((i * 2654435761) >>> 0)) % 1_000_000_007;
  return s;
}

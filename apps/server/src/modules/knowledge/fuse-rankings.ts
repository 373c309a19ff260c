/** The constant of reciprocal rank fusion, as in its paper (Cormack et al., 2009) and most engines. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: every ranking gives an item 1/(k + rank) (rank from 1), and items are
 * ordered by the sum. Only ranks count, so rankings on incomparable scales (text-match coverage,
 * cosine similarity) combine without calibration, and an item several rankings agree on rises.
 * Ties keep the order in which items were first seen.
 */
export function fuseRankings(rankings: string[][], k = RRF_K): string[] {
  const fused = new Map<string, number>();
  for (const ranking of rankings) {
    for (const [i, id] of ranking.entries()) fused.set(id, (fused.get(id) ?? 0) + 1 / (k + i + 1));
  }
  return [...fused].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

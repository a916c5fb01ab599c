/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance proportional to the word's length, if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  // A shortened name ("mlops" for "mlops-qna") is as good a clue as a typo.
  const prefixed = [...candidates].filter((c) => c.toLowerCase().startsWith(lower) && lower.length >= 3);
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export const didYouMean = (word: string, candidates: Iterable<string>): string | undefined => {
  const match = closest(word, candidates);
  return match ? `did you mean "${match}"?` : undefined;
};

// Error rates for OCR output against ground truth. Edit distances come from fastest-levenshtein;
// words are compared by giving each distinct word one character, so the same routine counts them.
import { distance } from 'fastest-levenshtein';

/** Code keeps its lines and indentation; running text is compared as one line of single spaces. */
export function normalize(text: string, code: boolean): string {
  const nfkc = text.normalize('NFKC');
  if (!code) return nfkc.replace(/\s+/g, ' ').trim();
  return nfkc
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l !== '')
    .join('\n');
}

/** Character error rate: edits per reference character. */
export function cer(hyp: string, ref: string): number {
  return ref.length === 0 ? (hyp.length === 0 ? 0 : 1) : distance(hyp, ref) / ref.length;
}

/** Word error rate: word edits per reference word. */
export function wer(hyp: string, ref: string): number {
  const ids = new Map<string, string>();
  const encode = (s: string): string =>
    s
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => {
        if (!ids.has(w)) ids.set(w, String.fromCodePoint(0xe000 + ids.size));
        return ids.get(w)!;
      })
      .join('');
  const r = encode(ref);
  return r.length === 0 ? 0 : distance(encode(hyp), r) / r.length;
}

/**
 * Fraction of reference lines whose indentation the output reproduced exactly: output lines are
 * aligned to reference lines by content (dynamic programming over line edit costs), and a
 * reference line counts when its partner is close in content and starts with as many spaces.
 */
export function indentationExact(hyp: string, ref: string): { exact: number; lines: number } {
  const h = hyp.split('\n').filter((l) => l.trim() !== '');
  const r = ref.split('\n').filter((l) => l.trim() !== '');
  const cost = (a: string, b: string): number =>
    distance(a.trim(), b.trim()) / Math.max(a.trim().length, b.trim().length, 1);
  const GAP = 0.6;
  // best[i][j]: cheapest alignment of the first i reference lines with the first j output lines.
  const best = Array.from({ length: r.length + 1 }, (_, i) =>
    Array.from({ length: h.length + 1 }, (_, j) => (i + j) * GAP),
  );
  for (let i = 1; i <= r.length; i++) {
    for (let j = 1; j <= h.length; j++) {
      best[i]![j] = Math.min(
        best[i - 1]![j]! + GAP,
        best[i]![j - 1]! + GAP,
        best[i - 1]![j - 1]! + cost(r[i - 1]!, h[j - 1]!),
      );
    }
  }
  let exact = 0;
  for (let i = r.length, j = h.length; i > 0 && j > 0;) {
    const c = cost(r[i - 1]!, h[j - 1]!);
    if (best[i]![j] === best[i - 1]![j - 1]! + c) {
      if (c < 0.5 && indent(r[i - 1]!) === indent(h[j - 1]!)) exact++;
      i--;
      j--;
    } else if (best[i]![j] === best[i - 1]![j]! + GAP) {
      i--;
    } else {
      j--;
    }
  }
  return { exact, lines: r.length };
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}

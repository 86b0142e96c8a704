// Icons read as characters. An icon bar (a workbench's activity bar, any column or band of toolbar
// buttons) is a region of the screen that holds icons only, and the recognizer reads some of them
// as characters ("=" for a menu, "R9" for source control): it is recognised by what was read in it,
// nothing but short, squarish boxes. In a tree (the Explorer) each label follows a twistie or a
// file-type icon, read as "> bench", "TS assemble.ts", "{} package.json": the icons stand in a
// column of their own, a little apart from the labels, which start in a column too.
import type { OcrWord } from '../common/protocol.ts';
import { type Bounds, quadBounds } from './geometry.ts';

/** An icon read as text gives at most this many characters… */
const MAX_CHARS = 2;
/** …in a box at most this many times as wide as tall… */
const SQUARE = 2;
/** …read with less confidence than this (a badge's count, read cleanly, stays). */
const CLEAR = 0.95;

export interface IconCandidate {
  text: string;
  confidence: number;
  bounds: Bounds;
}

/**
 * The reads to drop from one region of a screen cut into several: where every read in it is a
 * short squarish box, those read with doubt. A region with any real text keeps everything.
 */
export function iconReads(region: readonly IconCandidate[]): Set<number> {
  const short = (c: IconCandidate): boolean =>
    [...c.text.replace(/\s/g, '')].length <= MAX_CHARS &&
    c.bounds.x1 - c.bounds.x0 <= SQUARE * (c.bounds.y1 - c.bounds.y0);
  if (region.length === 0 || !region.every(short)) return new Set();
  return new Set(region.flatMap((c, i) => (c.confidence < CLEAR ? [i] : [])));
}

/** A tree's icon is at most this many characters… */
const ICON_CHARS = 2;
/** …at most this many text heights wide… */
const ICON_WIDTH = 1.5;
/** …and at least this many text heights before its label (words of a label are ~0.25 apart, an icon 0.35–0.5). */
const ICON_GAP = 0.32;
/** Icons and labels line up within this many text heights… */
const ALIGNED = 0.15;
/** …on at least this many rows. */
const TREE_ROWS = 3;

/**
 * The lines of one region whose first word is a tree's icon: a short word set apart from the next,
 * where at least TREE_ROWS such words end at one x and their labels start at one x.
 */
export function treeIcons(region: ReadonlyArray<{ words?: OcrWord[] }>, textHeight: number): Set<number> {
  const leads = region.flatMap((line, i) => {
    const [icon, label] = (line.words ?? []).slice(0, 2).map((w) => quadBounds(w.box));
    const text = line.words?.[0]?.text.replace(/\s/g, '') ?? '';
    if (!icon || !label || [...text].length > ICON_CHARS || icon.x1 - icon.x0 > ICON_WIDTH * textHeight) return [];
    return label.x0 - icon.x1 >= ICON_GAP * textHeight ? [{ i, end: icon.x1, label: label.x0 }] : [];
  });
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= ALIGNED * textHeight;
  return new Set(
    leads
      .filter((l) => leads.filter((m) => near(m.end, l.end) && near(m.label, l.label)).length >= TREE_ROWS)
      .map((l) => l.i),
  );
}

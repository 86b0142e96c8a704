// OCR context: the text lines of an image, with coarse positions, put in the user turn before the question.
// The twin of python/infimm/ocr_context.py, which training uses; both give the same text for the same lines.
//
//   <s>SYSTEM USER: <image>Text in the image:
//   [0,3] Settings — Photon Mail
//   [2,0] Notifications
//   [4,2] 12: const x = 1;
//   Is Sound on? ASSISTANT:
//
// [row,col]: the tenth of the image height holding the line's vertical centre, and the tenth of its width
// holding its left edge (0–9); for a model trained so, a code row beside an editor's gutter follows it with its
// line number ("12:"), so that "What is on line 12?" can be answered. Lines keep the OCR's reading order; within
// the budget, headings (lines at least 1.25× the median line height) are kept first, then commands at a shell
// prompt ("app$ make", the latest first), then the lines starting in the bottom 4% of the image (a status bar),
// then the rest by their place in their OCR block (every block's first line top-down, then every second line, …),
// so that a screen's title bar, tabs, status bar and the first rows of
// every pane (a terminal below a full editor among them) survive a long page or a full editor. Before all of them
// come the lines the conversation's first question asks about: the code rows it names ("line 30") and the lines
// holding one of its rarer words ("Is Sound on?"), so that a question about one row of a full editor finds it.
import type { OcrLine } from '../common/protocol.ts';

const OCR_CONTEXT_HEADER = 'Text in the image:';

/** A line's axis-aligned box in image pixels: left, top, right, bottom. */
export type Box = readonly [number, number, number, number];

export interface ContextLine {
  text: string;
  box: Box;
  /** The OCR's block (a pane, a paragraph); lines without one are taken from the top down. */
  block?: number;
  /** The editor gutter's number beside a code row. */
  lineNumber?: number;
}

export interface OcrContext {
  /** The context text; it ends with a newline so that the question starts its own line. */
  text: string;
  /** Lines with text (empty ones dropped). */
  lines: number;
  /** Lines that fit the budget. */
  kept: number;
  /** `text` as `countTokens` counts it (SentencePiece ids of it encoded alone, in the runtime). */
  tokens: number;
}

/**
 * OCR lines as the context reads them: the text, the axis-aligned bounds of the quadrilateral, the block, and
 * the line number where `lineNumbers` (the model was trained with them).
 */
export function contextLines(
  lines: readonly Pick<OcrLine, 'text' | 'box' | 'block' | 'lineNumber'>[],
  lineNumbers = false,
): ContextLine[] {
  return lines.map(({ text, box, block, lineNumber }) => {
    const xs = box.map((p) => p[0]);
    const ys = box.map((p) => p[1]);
    const bounds: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    return { text, box: bounds, block, ...(lineNumbers && lineNumber !== undefined ? { lineNumber } : {}) };
  });
}

// Python's str.split() whitespace: JS's \s also takes U+FEFF, and lacks U+001C–U+001F and U+0085.
// eslint-disable-next-line no-control-regex -- U+001C–U+001F are whitespace to Python
const WHITESPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** "[row,col]" of a box in a width × height image. */
export function linePosition([left, top, , bottom]: Box, width: number, height: number): string {
  const row = Math.min(9, Math.max(0, Math.floor((5 * (top + bottom)) / height)));
  const col = Math.min(9, Math.max(0, Math.floor((10 * left) / width)));
  return `[${row},${col}]`;
}

interface Entry {
  entry: string;
  top: number;
  height: number;
  /** How many lines of its block come before it; 0 without a block. */
  nth: number;
  /** Its words as `askedBy` matches them. */
  words: ReadonlySet<string>;
  lineNumber?: number;
}

/** The lowercase ASCII letter and digit runs of a text, the unit a question is matched with. */
function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9]+/g));
}

/** Each line as it appears in the context ("[row,col] text" or "[row,col] N: text", whitespace runs made one space), with its box's top and height, its place in its block, its words and its line number; empty lines dropped. */
export function contextEntries(lines: readonly ContextLine[], width: number, height: number): Entry[] {
  const seen = new Map<number, number>();
  return lines.flatMap(({ text, box, block, lineNumber }) => {
    const words = text.split(WHITESPACE).filter(Boolean).join(' ');
    if (words === '') return [];
    const nth = block === undefined ? 0 : (seen.get(block) ?? 0);
    if (block !== undefined) seen.set(block, nth + 1);
    const shown = lineNumber === undefined ? words : `${lineNumber}: ${words}`;
    const entry = `${linePosition(box, width, height)} ${shown}`;
    return [{ entry, top: box[1], height: box[3] - box[1], nth, words: wordsOf(words), lineNumber }];
  });
}

/** A heading is at least this many times the median line height (box heights of one font size vary by a few pixels). */
const HEADING_RATIO = 1.25;

/** Lines starting in this bottom share of the image height come after the headings: a status bar, which a full editor's rows would otherwise push out of the budget. */
const BOTTOM_SHARE = 0.04;

/**
 * A command typed at a shell prompt ("user@host:~/app$ make", "● app$ du -sh .", "$ ls"): what a terminal shows
 * was done, deep in a block of output that the budget would otherwise reach last. Matched on the line's
 * single-spaced words.
 */
const COMMAND_LINE = /(?:^| )(?:[^ $]*[A-Za-z0-9_~/\])])?\$ [^ ]/;

/**
 * A question word of at least this many characters found in at most `RARE_LINES` lines marks those lines as
 * asked about; a word most lines hold ("the", a keyword of the code) marks none.
 */
const MIN_WORD = 3;
const RARE_LINES = 3;

/** Indices of the entries a question asks about: the code rows it names ("line 30", "lines 4") and the lines holding one of its rarer words. */
function askedBy(question: string, entries: readonly Entry[]): Set<number> {
  const numbers = new Set(
    Array.from(question.toLowerCase().matchAll(/(?<![a-z0-9])lines? +([0-9]+)/g), (m) => Number(m[1])),
  );
  const asked = new Set<number>();
  entries.forEach((e, i) => {
    if (e.lineNumber !== undefined && numbers.has(e.lineNumber)) asked.add(i);
  });
  for (const word of wordsOf(question)) {
    const holding = entries.flatMap((e, i) => (e.words.has(word) ? [i] : []));
    if (word.length >= MIN_WORD && holding.length <= RARE_LINES) for (const i of holding) asked.add(i);
  }
  return asked;
}

/**
 * Entry indices in the order the budget tries them: the lines `question` asks about and headings, each from the
 * top down; commands at a shell prompt from the bottom up (the latest first); lines in the bottom band of an
 * image `imageHeight` pixels high from the top down; then the rest by their place in their block, then from the
 * top down; ties in reading order.
 */
function budgetOrder(entries: readonly Entry[], imageHeight: number, question: string): number[] {
  const heights = entries.map((e) => e.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0;
  const asked = askedBy(question, entries);
  const rank = ({ entry, top, height }: Entry, i: number): number =>
    asked.has(i)
      ? -1
      : height >= HEADING_RATIO * median
        ? 0
        : COMMAND_LINE.test(entry)
          ? 1
          : top >= (1 - BOTTOM_SHARE) * imageHeight
            ? 2
            : 3;
  const ranks = entries.map(rank);
  const nth = (i: number) => (ranks[i] === 3 ? entries[i]!.nth : 0);
  const top = (i: number) => (ranks[i] === 1 ? -entries[i]!.top : entries[i]!.top);
  return entries.map((_, i) => i).sort((a, b) => ranks[a]! - ranks[b]! || nth(a) - nth(b) || top(a) - top(b) || a - b);
}

/**
 * The context of a width × height image's OCR lines (in reading order) within `maxTokens`, as counted by
 * `countTokens` (SentencePiece ids of a text encoded alone), for the conversation's first `question`. Lines are
 * tried in `budgetOrder`; each costs its tokens plus one for its newline; a line that does not fit is skipped
 * and the next tried.
 */
export function ocrContext(
  lines: readonly ContextLine[],
  width: number,
  height: number,
  countTokens: (text: string) => number,
  maxTokens: number,
  question = '',
): OcrContext {
  const entries = contextEntries(lines, width, height);
  let budget = maxTokens - countTokens(OCR_CONTEXT_HEADER);
  const kept = new Set<number>();
  for (const index of budgetOrder(entries, height, question)) {
    const cost = countTokens(entries[index]!.entry) + 1;
    if (cost > budget) continue;
    kept.add(index);
    budget -= cost;
  }
  const text =
    kept.size === 0
      ? `${OCR_CONTEXT_HEADER} none\n`
      : `${OCR_CONTEXT_HEADER}${entries.map(({ entry }, i) => (kept.has(i) ? `\n${entry}` : '')).join('')}\n`;
  return { text, lines: entries.length, kept: kept.size, tokens: countTokens(text) };
}

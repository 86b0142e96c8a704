// The third look, at ink the recognizer reads as nothing on its own (a lone "{" between words, a row
// holding only `"""` or ")"): the same pixels with part of a line it did read spliced on their right,
// in an image made for the purpose, read again. A short token alone gives the recognizer no baseline
// or letter size to go by; beside letters it reads. The glyphs left of the seam are the token's, and
// they count only when the line beside them reads as it did before.
import { Image } from 'paddleocr';
import type { DecodedImage } from '../image/decode.ts';
import type { PlacedLine } from './assemble.ts';
import type { OcrLine } from '../common/protocol.ts';
import { type Bounds, boundsQuad, overlap1d, type Quad, quadBounds } from './geometry.ts';
import { commonestColour, inkProfile } from './ink.ts';
import type { ReadLine } from './recognize.ts';

export interface Splice {
  /** The unread ink, in image pixels. */
  target: Bounds;
  /** The start of a read line: its box in image pixels and its text, spaces left out. */
  reference: { box: Bounds; text: string };
}

/** Blank between the token and the line beside it, in row heights: a word gap. */
const SEAM = 0.6;
/** A reference line is read at least this surely… */
const SURE = 0.9;
/** …and its row holds the target's ink: at most this share higher… */
const SAME_HEIGHT = 0.25;
/** …and at least this share of its height. */
const MIN_INK = 0.4;
/** A reference lends at most this many row heights of its start. */
const REFERENCE_WIDTH = 8;
/** Unread ink up to this many row heights left of a code line may be its start ("//"). */
const COMMENT_LEAD = 4;
/** Unread ink wider than this many row heights is no lone token. */
const MAX_TOKEN = 4;

/**
 * The splice for unread ink at `target`: the start of the nearest sure line of its height (its own row's
 * next words first, else a neighbouring row) that begins no more than two row heights left of it, so that
 * a side bar's names never stand in for an editor's code.
 */
export function spliceFor(target: Bounds, lines: readonly PlacedLine[]): Splice | undefined {
  const inkHeight = target.y1 - target.y0;
  const centre = (target.y0 + target.y1) / 2;
  let best: { line: PlacedLine; box: Bounds; cost: number } | undefined;
  for (const line of lines) {
    if (!line.runs?.length || line.flipped || line.confidence < SURE) continue;
    const box = runsBounds(line);
    const height = box.y1 - box.y0;
    // A token's ink is lower than its row ("{", ")"), never much higher.
    if (inkHeight > (1 + SAME_HEIGHT) * height || inkHeight < MIN_INK * height) continue;
    if (target.x1 - target.x0 > MAX_TOKEN * height || box.x0 < target.x1 - 2 * height) continue;
    if (overlap1d(box.x0, box.x1, target.x0, target.x1) > 0 && overlap1d(box.y0, box.y1, target.y0, target.y1) > 0)
      continue;
    const cost = Math.abs((box.y0 + box.y1) / 2 - centre) * 100 + Math.abs(box.x0 - target.x1);
    if (!best || cost < best.cost) best = { line, box, cost };
  }
  if (!best) return undefined;
  const height = best.box.y1 - best.box.y0;
  const runs = best.line.runs!;
  const kept = runs.filter((r, i) => i === 0 || r.x1 - runs[0]!.x0 <= REFERENCE_WIDTH * height);
  const text = kept.map((r) => r.text.replace(/\s+/g, '')).join('');
  // The token is cut out at its row's height, as the reference is.
  const band = { ...target, y0: Math.round(centre - height / 2), y1: Math.round(centre + height / 2) };
  return { target: band, reference: { box: { ...best.box, x1: Math.ceil(kept.at(-1)!.x1) }, text } };
}

/** A line's box, in image pixels, as its runs span it (the recognizer's box may reach past the ink). */
function runsBounds(line: PlacedLine): Bounds {
  const ys = line.box.map(([, y]) => y);
  return {
    x0: Math.floor(line.runs![0]!.x0),
    x1: Math.ceil(line.runs!.at(-1)!.x1),
    y0: Math.min(...ys),
    y1: Math.max(...ys),
  };
}

export interface SplicedImage {
  image: DecodedImage;
  /** One strip per splice, top to bottom: token, seam, reference. */
  boxes: Quad[];
  /** Where each strip's seam is, in strip x: glyphs left of it are the token's. */
  seams: number[];
}

/** All the splices in one image, a strip each, so that the recognizer reads them in one batched call. */
export function spliceImage(image: DecodedImage, splices: readonly Splice[]): SplicedImage {
  const strips = splices.map(({ target, reference }) => {
    const height = Math.round(target.y1 - target.y0);
    const tokenWidth = Math.round(target.x1 - target.x0);
    const seam = Math.round(SEAM * height);
    const referenceWidth = reference.box.x1 - reference.box.x0;
    const referenceTop = Math.round((reference.box.y0 + reference.box.y1) / 2 - height / 2);
    return { target, reference, height, tokenWidth, seam, width: tokenWidth + seam + referenceWidth, referenceTop };
  });
  const width = Math.max(...strips.map((s) => s.width));
  const height = strips.reduce((sum, s) => sum + s.height, 0);
  const data = new Uint8Array(width * height * 3);
  const boxes: Quad[] = [];
  const seams: number[] = [];
  let top = 0;
  for (const s of strips) {
    const y0 = Math.round(s.target.y0);
    fill(data, width, top, s.height, background(image, Math.round(s.target.x0), y0, s.tokenWidth, s.height));
    copy(image, Math.round(s.target.x0), y0, s.tokenWidth, s.height, data, width, 0, top);
    copy(
      image,
      s.reference.box.x0,
      s.referenceTop,
      s.width - s.tokenWidth - s.seam,
      s.height,
      data,
      width,
      s.tokenWidth + s.seam,
      top,
    );
    boxes.push(boundsQuad({ x0: 0, y0: top, x1: s.width, y1: top + s.height }));
    seams.push(s.tokenWidth + s.seam / 2);
    top += s.height;
  }
  return { image: { width, height, data, format: 'raw' }, boxes, seams };
}

/**
 * The token's reading as a line of the original image, or undefined when the reference part read
 * otherwise than before (the splice then proves nothing) or nothing was read left of the seam.
 */
export function tokenLine(read: ReadLine, splice: Splice, seam: number, image: DecodedImage): ReadLine | undefined {
  if (read.vertical || read.flipped) return undefined;
  const token = read.glyphs.filter((g) => g.x < seam);
  const rest = read.glyphs.filter((g) => g.x >= seam && g.char !== ' ');
  if (plain(rest.map((g) => g.char).join('')) !== plain(splice.reference.text)) return undefined;
  if (!token.some((g) => g.char !== ' ')) return undefined;
  const { target } = splice;
  const [x0, y0] = [Math.round(target.x0), Math.round(target.y0)];
  const [width, height] = [Math.round(target.x1 - target.x0), Math.round(target.y1 - target.y0)];
  const pixels = new Uint8Array(width * height * 3);
  copy(image, x0, y0, width, height, pixels, width, 0, 0);
  return {
    box: boundsQuad({ x0, y0, x1: x0 + width, y1: y0 + height }),
    vertical: false,
    flipped: false,
    cropWidth: width,
    glyphs: token,
    ink: inkProfile(new Image(width, height, 3, pixels)),
  };
}

/** Text with typographic quotes as typed ones: the recognizer picks either for the same pixels from one crop to the next. */
function plain(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
}

/** Copies a width × height block from (x, y) of the image (clamped to it) to (dx, dy) of `out`. */
function copy(
  image: DecodedImage,
  x: number,
  y: number,
  width: number,
  height: number,
  out: Uint8Array,
  outWidth: number,
  dx: number,
  dy: number,
): void {
  for (let row = 0; row < height; row++) {
    const sy = y + row;
    if (sy < 0 || sy >= image.height) continue;
    const from = Math.max(0, x);
    const to = Math.min(image.width, x + width);
    if (to <= from) continue;
    out.set(
      image.data.subarray((sy * image.width + from) * 3, (sy * image.width + to) * 3),
      ((dy + row) * outWidth + dx + from - x) * 3,
    );
  }
}

function fill(data: Uint8Array, width: number, top: number, height: number, rgb: readonly number[]): void {
  for (let i = top * width; i < (top + height) * width; i++) data.set(rgb, i * 3);
}

/** The commonest colour along the block's top and bottom rows: the background the token sits on. */
function background(image: DecodedImage, x: number, y: number, width: number, height: number): number[] {
  const pixels: Array<[number, number]> = [];
  for (const row of [y, y + height - 1]) {
    if (row < 0 || row >= image.height) continue;
    for (let col = Math.max(0, x); col < Math.min(image.width, x + width); col++) pixels.push([col, row]);
  }
  return commonestColour(image, pixels);
}

/**
 * The unread ink worth a splice: first-pass boxes read as nothing or unsurely that lie within a code line
 * of the result (or just left of it, where a comment's "//" goes), and the missed code rows whose
 * croppings all read as nothing.
 */
export function unreadInk(
  unread: readonly Quad[],
  read: readonly PlacedLine[],
  code: readonly OcrLine[],
  missedRows: readonly Quad[],
): Bounds[] {
  const lines = code.filter((l) => l.indent !== undefined).map((l) => quadBounds(l.box));
  // Ink a read line covers was read already: an unsure box around a "}" the line "}," holds.
  const taken = read.map((l) => quadBounds(l.box));
  const free = (t: Bounds): boolean =>
    !taken.some(
      (r) =>
        overlap1d(r.x0, r.x1, t.x0, t.x1) > 0.3 * (t.x1 - t.x0) &&
        overlap1d(r.y0, r.y1, t.y0, t.y1) > 0.5 * (t.y1 - t.y0),
    );
  const onCodeLine = (t: Bounds): boolean =>
    lines.some((l) => {
      const height = l.y1 - l.y0;
      return (
        overlap1d(l.y0, l.y1, t.y0, t.y1) >= 0.5 * Math.min(height, t.y1 - t.y0) &&
        t.x0 >= l.x0 - COMMENT_LEAD * height &&
        t.x1 <= l.x1 + height
      );
    });
  return [...unread.map(quadBounds).filter((t) => onCodeLine(t) && free(t)), ...missedRows.map(quadBounds)];
}

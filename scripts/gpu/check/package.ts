// One package: the image's views and the prompts made once, every provider run over them, each compared with the CPU.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeImage } from '../../../src/image/decode.ts';
import type { ProviderName } from '../../../src/onnx/model-session.ts';
import { readManifest } from '../../../src/package/verify.ts';
import { imageViews } from '../../../src/runtime/image.ts';
import { promptIds } from '../../../src/tokens/prompt.ts';
import { InfimmTokenizer } from '../../../src/tokens/tokenizer.ts';
import { agreements } from './agreement.ts';
import type { PackageResult, ProviderRun } from './results.ts';
import { runProvider, type Outputs, type TimingOptions } from './timing.ts';

/**
 * The prompts compared: the runtime's real one (system prompt included) and one under 32 tokens. WebGPU's
 * MultiHeadAttention switches to its flash-attention kernel from 32 query tokens on; the short prompt keeps the
 * decoder on its other kernel, so a disagreement can be told apart from one of the flash kernel alone.
 */
const SHORT_QUESTION = 'USER: <image> What is it? ASSISTANT:';
const FLASH_ATTENTION_FROM = 32;

export async function checkPackage(
  name: string,
  dir: string,
  imageFile: string,
  options: TimingOptions & { providers: ProviderName[]; maxTiles: number },
): Promise<PackageResult> {
  const manifest = readManifest(dir);
  const tokenizer = await InfimmTokenizer.fromFile(join(dir, manifest.tokenizer));
  const decode = () => decodeImage(readFileSync(imageFile), { name: basename(imageFile), maxPixels: 100_000_000 });
  const views = await imageViews(decode, manifest.tiling.tileSize, options.maxTiles, manifest.image);
  const ids = promptIds(
    tokenizer,
    { image: true, turns: [] },
    'What does this screenshot show? Describe every part of it.',
  );
  const shortIds = tokenizer.encode(SHORT_QUESTION, { addBos: true });
  if (shortIds.length >= FLASH_ATTENTION_FROM) throw new Error(`the short prompt has ${shortIds.length} tokens`);
  const runs: ProviderRun[] = [];
  const outputs = new Map<ProviderName, Outputs>();
  for (const provider of options.providers) {
    const result = await runProvider(dir, provider, { views, ids, shortIds }, options);
    runs.push(result.run);
    if (result.outputs) outputs.set(provider, result.outputs);
  }
  const { grid } = views;
  return {
    name,
    precision: manifest.weights.precision,
    views: grid.views,
    grid: `${grid.rows}×${grid.cols}`,
    promptTokens: ids.length,
    decodeAndTilingMs: views.times.decodeImageMs + views.times.tilingMs,
    runs,
    agreement: agreements(manifest.weights, outputs, [shortIds.length, ids.length]),
  };
}

// Checkpoint → model package. Streams tensor by tensor into the graphs' weight files, inside a temporary
// folder beside the output that is renamed into place at the end: a failed conversion leaves nothing behind.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BufferPool, openCheckpoint, type Checkpoint, type TensorEntry } from '../checkpoint/index.ts';
import type { ConvertEvent } from '../common/conversion.ts';
import type { ActivationPrecision, WeightPrecision } from '../common/precision.ts';
import { buildDecoderGraph } from '../decoder/graph.ts';
import { buildMemoryGraph } from '../memory/graph.ts';
import { graphContext } from '../onnx/context.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { QUANT_BLOCK } from '../onnx/linear-weights.ts';
import type { LoadTensor } from '../onnx/tensors.ts';
import { defaultThreads, QuantizeWorkers } from '../onnx/quantize-workers.ts';
import { WeightFile } from '../onnx/weight-file.ts';
import {
  CLIP_MEAN,
  CLIP_STD,
  PACKAGE_FORMAT,
  PACKAGE_VERSION,
  VICUNA_SYSTEM,
  type Architecture,
  type FileEntry,
  type Manifest,
  type OcrContextSpec,
} from '../package/manifest.ts';
import { buildVisionGraph } from '../vision/graph.ts';
import { deriveArchitecture } from './architecture.ts';
import { ensureFreeSpace, estimatePackageBytes } from './disk-space.ts';
import { ConvertError } from './errors.ts';
import { WRAPPER_PREFIXES, canonicalName, expectedTensors } from './keys.ts';

export interface ConvertOptions {
  precision: WeightPrecision;
  /** What int8/int4 weights are multiplied with (src/common/precision.ts); 'int8' by default. */
  activations?: ActivationPrecision;
  /** Replace an existing output folder. */
  force?: boolean;
  /** The model's name; by default config.json's `_name_or_path`, else "InfiMM-HD". */
  name?: string;
  /** Its model card: an http(s) URL, or a path relative to the output folder. */
  card?: string;
  log?: (line: string) => void;
  /** Once the checkpoint is checked and the disk has room (`start`), then before each tensor is read (`progress`). */
  onEvent?: (event: Extract<ConvertEvent, { type: 'start' | 'progress' }>) => void;
  /** Threads that quantise int4/int8 weights, this one included; by default one per core. */
  threads?: number;
  /** Stops the conversion before its next tensor; what was written is removed. */
  signal?: AbortSignal;
}

const GRAPHS = {
  vision: buildVisionGraph,
  memory: buildMemoryGraph,
  decoder: buildDecoderGraph,
} as const satisfies Record<string, unknown>;

type GraphName = keyof typeof GRAPHS;

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export async function convert(source: string, outDir: string, options: ConvertOptions): Promise<Manifest> {
  const log = options.log ?? (() => {});
  if (!existsSync(source)) throw new ConvertError('the checkpoint does not exist', source);
  const folder = statSync(source).isDirectory() ? source : dirname(source);
  const configFile = join(folder, 'config.json');
  const tokenizerFile = join(folder, 'tokenizer.model');
  const config = readConfig(configFile);
  if (!existsSync(tokenizerFile))
    throw new ConvertError(
      "the checkpoint folder has no tokenizer.model; copy the model's tokenizer.model next to config.json",
      tokenizerFile,
    );
  prepareOutput(outDir, options.force ?? false);

  const checkpoint = await openCheckpoint(source);
  const parent = dirname(resolve(outDir));
  const temp = join(parent, `.${basename(outDir)}.partial-${process.pid}`);
  let workers: QuantizeWorkers | undefined;
  try {
    const tensors = mapTensors(checkpoint, source);
    const shapeOf = (name: string) => tensors.get(name)?.entry.shape;
    const { arch, tokens } = deriveArchitecture(config, shapeOf, configFile);
    checkTensors(tensors, arch, source);
    const estimatedBytes = estimatePackageBytes(tensors, options.precision);
    const freeBytes = await ensureFreeSpace(parent, estimatedBytes);
    options.signal?.throwIfAborted();
    workers = await QuantizeWorkers.start(isQuantized(options.precision) ? (options.threads ?? defaultThreads()) : 1);
    options.onEvent?.({ type: 'start', partial: temp, estimatedBytes, freeBytes, threads: workers.threads });
    const buffers = new BufferPool();
    const load = progressLoad(checkpoint, tensors, options, buffers);
    const release = (weights: readonly Float32Array[]) => buffers.give(weights);

    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    const files: Record<string, FileEntry> = {};
    const format = { precision: options.precision, activations: options.activations ?? 'int8' } as const;
    for (const name of Object.keys(GRAPHS) as GraphName[]) {
      const started = Date.now();
      const weights = new WeightFile(temp, `${name}.weights`);
      const graph = new GraphBuilder(name, weights);
      await GRAPHS[name](graphContext(graph, { arch, load, format, quantize: workers.quantize, release }));
      files[weights.location] = weights.close();
      const bytes = graph.toBytes(`InfiMM-HD ${name} graph, ${PACKAGE_FORMAT} v${PACKAGE_VERSION}`);
      writeFileSync(join(temp, `${name}.onnx`), bytes);
      files[`${name}.onnx`] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      log(`${name}: ${(files[weights.location]!.bytes / 1e6).toFixed(1)} MB of weights in ${Date.now() - started} ms`);
    }
    if (workers.splitWeights > 0) log(`${workers.splitWeights} weights quantised on ${workers.threads} threads`);
    copyFileSync(tokenizerFile, join(temp, 'tokenizer.model'));
    files['tokenizer.model'] = await hashFile(join(temp, 'tokenizer.model'));

    const manifest = packageManifest(
      config,
      configFile,
      arch,
      tokens,
      { ...options, activations: format.activations },
      files,
    );
    writeFileSync(join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(outDir)) rmSync(outDir, { recursive: true });
    renameSync(temp, outDir);
    return manifest;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC')
      throw new ConvertError(`the disk is full (${(error as Error).message})`, outDir, undefined, 'no-space');
    if (typeof code === 'string' && code.startsWith('E'))
      throw new ConvertError(`cannot write the package (${(error as Error).message})`, outDir, undefined, 'output');
    throw error;
  } finally {
    await workers?.close();
    await checkpoint.close();
  }
}

function isQuantized(precision: ConvertOptions['precision']): precision is 'int4' | 'int8' {
  return precision === 'int4' || precision === 'int8';
}

/** The package's manifest: what the runtime reads to run it, and every file with its size and hash. */
function packageManifest(
  config: Record<string, unknown>,
  configFile: string,
  arch: Manifest['architecture'],
  tokens: Manifest['tokens'],
  options: ConvertOptions & { activations: ActivationPrecision },
  files: Record<string, FileEntry>,
): Manifest {
  return {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    name:
      options.name ?? (typeof config['_name_or_path'] === 'string' ? (config['_name_or_path'] as string) : 'InfiMM-HD'),
    ...(options.card === undefined ? {} : { card: options.card }),
    architecture: arch,
    tokens,
    tokenizer: 'tokenizer.model',
    prompt: { template: 'vicuna-v1', system: VICUNA_SYSTEM, ...ocrContextOf(config, configFile) },
    tiling: {
      tileSize: arch.vision.imageSize,
      rounding: 'nearest',
      resize: 'squash',
      interpolation: 'bicubic',
      thumbnail: 'always',
      subImagePosition: 'sincos2d',
    },
    image: { mean: CLIP_MEAN, std: CLIP_STD },
    weights: isQuantized(options.precision)
      ? { precision: options.precision, blockSize: QUANT_BLOCK, activations: options.activations }
      : { precision: options.precision },
    graphs: { vision: 'vision.onnx', memory: 'memory.onnx', decoder: 'decoder.onnx' },
    files,
  };
}

/**
 * Reads tensors for the graph builders, reporting each before it is read (the bytes of those read before it),
 * and stopping at the first tensor after `signal` fired.
 */
function progressLoad(
  checkpoint: Checkpoint,
  tensors: Map<string, { entry: TensorEntry; key: string }>,
  options: ConvertOptions,
  buffers: BufferPool,
): LoadTensor {
  let bytesTotal = 0;
  for (const { entry } of tensors.values()) bytesTotal += entry.byteLength;
  const started = Date.now();
  const read = new Set<string>();
  let bytesDone = 0;
  return async (name) => {
    options.signal?.throwIfAborted();
    const { entry, key } = tensors.get(name)!;
    options.onEvent?.({ type: 'progress', tensor: name, bytesDone, bytesTotal, elapsedMs: Date.now() - started });
    const data = await checkpoint.readFloat32(key, buffers);
    if (!read.has(name)) bytesDone += entry.byteLength;
    read.add(name);
    return data;
  };
}

function readConfig(file: string): Record<string, unknown> {
  if (!existsSync(file))
    throw new ConvertError(
      "the checkpoint folder has no config.json; copy the model's config.json next to the weights",
      file,
    );
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConvertError(`config.json is not valid JSON (${(error as Error).message})`, file);
  }
}

/** `ocr_context: {max_tokens, line_numbers?}` in config.json: the checkpoint was trained with OCR context (python/infimm/ocr_context.py). */
function ocrContextOf(config: Record<string, unknown>, file: string): { ocrContext?: OcrContextSpec } {
  const section = config['ocr_context'];
  if (section === undefined) return {};
  const maxTokens = (section as Record<string, unknown> | null)?.['max_tokens'];
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new ConvertError(`config.json has "ocr_context" without a positive whole number "max_tokens"`, file);
  }
  const lineNumbers = (section as Record<string, unknown>)['line_numbers'];
  if (lineNumbers !== undefined && typeof lineNumbers !== 'boolean') {
    throw new ConvertError(`config.json has "ocr_context" with a "line_numbers" that is not true or false`, file);
  }
  return { ocrContext: { maxTokens, ...(lineNumbers ? { lineNumbers } : {}) } };
}

function prepareOutput(outDir: string, force: boolean): void {
  if (!existsSync(outDir)) {
    const parent = dirname(resolve(outDir));
    if (!existsSync(parent) || !statSync(parent).isDirectory())
      throw new ConvertError(
        "the output folder's parent does not exist or is not a folder",
        parent,
        undefined,
        'output',
      );
    return;
  }
  if (!statSync(outDir).isDirectory())
    throw new ConvertError('the output path exists and is not a folder', outDir, undefined, 'output');
  if (readdirSync(outDir).length > 0 && !force)
    throw new ConvertError(
      'the output folder is not empty; choose another folder or pass --force to replace it',
      outDir,
      undefined,
      'output',
    );
}

/** Canonical name → the checkpoint entry holding it (one read per tensor, whatever its aliases). */
function mapTensors(checkpoint: Checkpoint, file: string): Map<string, { entry: TensorEntry; key: string }> {
  const probe = 'vision_encoder.patch_embed.proj.weight';
  const prefix = WRAPPER_PREFIXES.find((p) =>
    checkpoint.entries.some((e) => e.names.some((n) => canonicalName(n, p) === probe)),
  );
  if (prefix === undefined) {
    throw new ConvertError(
      `this is not an InfiMM-HD checkpoint: no "${probe}" (also tried under ${WRAPPER_PREFIXES.filter(Boolean).join(', ')})`,
      file,
    );
  }
  const tensors = new Map<string, { entry: TensorEntry; key: string }>();
  const unknown: string[] = [];
  for (const entry of checkpoint.entries) {
    const names = new Set(entry.names.map((n) => canonicalName(n, prefix)));
    names.delete('unused');
    if (names.has(undefined)) unknown.push(...entry.names.filter((n) => canonicalName(n, prefix) === undefined));
    names.delete(undefined);
    if (names.size > 1)
      throw new ConvertError(
        `one tensor is stored under the names of different modules (${[...names].join(', ')})`,
        file,
        entry.names[0],
      );
    const [name] = names as Set<string>;
    if (name === undefined) continue;
    if (tensors.has(name))
      throw new ConvertError(
        `two different tensors are both named "${name}" (after removing aliases)`,
        file,
        entry.names[0],
      );
    tensors.set(name, { entry, key: entry.names[0]! });
  }
  if (unknown.length > 0)
    throw new ConvertError(
      `unmapped keys in the checkpoint: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`,
      file,
      unknown[0],
    );
  return tensors;
}

function checkTensors(tensors: Map<string, { entry: TensorEntry }>, arch: Architecture, file: string): void {
  const expected = expectedTensors(arch);
  const missing = [...expected.keys()].filter((k) => !tensors.has(k));
  if (missing.length > 0)
    throw new ConvertError(
      `missing tensors: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`,
      file,
      missing[0],
    );
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (extra.length > 0)
    throw new ConvertError(
      `unmapped keys in the checkpoint (no such tensor in the architecture config.json describes): ${extra.slice(0, 20).join(', ')}`,
      file,
      extra[0],
    );
  for (const [name, shape] of expected) {
    const { entry } = tensors.get(name)!;
    if (entry.shape.join('×') !== shape.join('×')) {
      throw new ConvertError(
        `shape ${entry.shape.join('×')} does not match config.json, which implies ${shape.join('×')}`,
        file,
        name,
      );
    }
    if (!FLOAT_DTYPES.has(entry.dtype))
      throw new ConvertError(`dtype ${entry.dtype} where a floating-point tensor is expected`, file, name);
  }
}

async function hashFile(path: string): Promise<FileEntry> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

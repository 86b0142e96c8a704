// The released size on this CPU: a random-weight checkpoint with the released InfiMM-HD's dimensions and layout
// (python/infimm/stream_checkpoint.py: EVA-02-CLIP-E at 448 px, Vicuna-13B, ten gated blocks, one 36 GB bf16
// torch.save file), converted to int4 as a user converts it, answering as the extension runs it, and its language
// model against llama.cpp's Q4_0 of the same weights. It takes hours and about 56 GB of disk, so it runs only when
// named (`npm run bench -- released`). INFIMM_RELEASED_SIZE names a smaller size of stream_checkpoint.py for a
// rehearsal of the same steps; the files are deleted at the end unless INFIMM_RELEASED_KEEP=1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultThreads } from '../src/onnx/quantize-workers.ts';
import { PYTHON } from '../harness/requirements.ts';
import { testTokenizerModel, trainTokenizerModel } from '../harness/tokenizer-model.ts';
import { convertOnce, type ConversionRun } from './convert.ts';
import { compareRows, LLAMA_COLUMNS, packageName, type Comparison } from './llama.ts';
import { NEW_TOKENS, type ReleasedCaseResult } from './released-case.ts';
import type { BenchSection } from './run.ts';
import { readBandwidth } from './runtime.ts';
import { mib, table } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SIZE = process.env.INFIMM_RELEASED_SIZE ?? 'released';
const DIR = join(ROOT, '.cache', 'bench', `released-${SIZE}`);
const INT4: Comparison = { gguf: 'Q4_0', ours: [{ label: 'int4', precision: 'int4' }] };
/** Disk beside the checkpoint, as a share of its bytes: the int4 package (0.32 at the released size), the Q4_0 GGUF of its language model (0.21), and room. */
const DISK_SHARE = 0.6;
const GB = 1e9;

function python(args: string[]): string {
  return execFileSync(PYTHON, ['-m', 'infimm.stream_checkpoint', '--size', SIZE, ...args], {
    cwd: join(ROOT, 'python'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The released vocabulary is 32,000 SentencePiece pieces + the two added tokens; smaller sizes take the test tokenizer's. */
async function tokenizer(): Promise<string> {
  return SIZE === 'released' ? trainTokenizerModel({ vocabSize: 32_000 }) : testTokenizerModel();
}

/** Stops before writing anything when the disk cannot hold the checkpoint, the package and the GGUF file. */
function checkDisk(checkpointBytes: number, checkpointThere: boolean): number {
  const needed = (checkpointThere ? 0 : checkpointBytes) + DISK_SHARE * checkpointBytes;
  const { bavail, bsize } = statfsSync(DIR);
  const free = bavail * bsize;
  if (free < needed)
    throw new Error(
      `The ${SIZE} benchmark needs ${(needed / GB).toFixed(1)} GB free in ${DIR}; ${(free / GB).toFixed(1)} GB are. Free some space or set INFIMM_RELEASED_SIZE to a smaller size.`,
    );
  return needed;
}

/** The checkpoint, written once (in a temporary folder renamed into place); its writing time when written now. */
async function writeCheckpoint(bytes: number): Promise<{ path: string; writeSeconds?: number }> {
  const path = join(DIR, 'checkpoint');
  if (existsSync(path)) return { path };
  const temp = `${path}.partial`;
  rmSync(temp, { recursive: true, force: true });
  const started = performance.now();
  python(['--tokenizer', await tokenizer(), '--out', temp, '--seed', '1']);
  const writeSeconds = (performance.now() - started) / 1000;
  if (statSync(join(temp, 'pytorch_model.bin')).size !== bytes)
    throw new Error('the checkpoint is not the size its dry run gave');
  renameSync(temp, path);
  return { path, writeSeconds };
}

function answerCase(pkg: string, threads: number): ReleasedCaseResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'released-case.ts'), pkg, String(threads)],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as ReleasedCaseResult;
}

async function run(): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const bytes = Number(python(['--dry-run', '--tokenizer', await tokenizer()]).trim());
  const needed = checkDisk(bytes, existsSync(join(DIR, 'checkpoint')));
  console.log(`${SIZE}: a ${(bytes / GB).toFixed(1)} GB checkpoint; needs ${(needed / GB).toFixed(1)} GB of disk`);
  try {
    const { path, writeSeconds } = await writeCheckpoint(bytes);
    // Converted into the folder the llama.cpp comparison takes its package from, so it is not converted twice.
    const pkg = join(DIR, packageName(INT4.ours[0]!));
    rmSync(pkg, { recursive: true, force: true });
    const threads = defaultThreads();
    const conversion = convertOnce(path, 'int4', threads, pkg);
    const bandwidth = await readBandwidth();
    const answered = answerCase(pkg, 2);
    const llama: Array<Array<string | number>> = [];
    for (const t of [1, 2])
      llama.push(...(await compareRows(`${SIZE}, ${t} thread${t > 1 ? 's' : ''}`, path, DIR, INT4, t, 1, 1)));
    return report(bytes, writeSeconds, conversion, threads, bandwidth, answered, llama);
  } finally {
    if (process.env.INFIMM_RELEASED_KEEP !== '1') rmSync(DIR, { recursive: true, force: true });
  }
}

function report(
  bytes: number,
  writeSeconds: number | undefined,
  conversion: ConversionRun,
  threads: number,
  bandwidth: number,
  answered: ReleasedCaseResult,
  llama: Array<Array<string | number>>,
): string {
  const packageGiB = conversion.writtenBytes / 2 ** 30;
  const peakGiB = answered.peakRssBytes / 2 ** 30;
  const roofMs = (answered.bytesReadPerToken / (bandwidth * GB)) * 1000;
  return [
    `A random-weight checkpoint of the \`${SIZE}\` size of python/infimm/stream_checkpoint.py: ${(bytes / GB).toFixed(2)} GB (one bf16 torch.save file, aliased keys, rotary buffers)${writeSeconds === undefined ? '' : `, written in ${(writeSeconds / 60).toFixed(1)} min`}. It needs ${((bytes * (1 + DISK_SHARE)) / GB).toFixed(0)} GB of disk for the run and is deleted after it. Conversion: \`npm run convert\`'s code in a fresh process, int4 (MatMulNBits blocks of 32, 8-bit activations), ${threads} threads quantising.`,
    '',
    table(
      ['checkpoint', 'minutes', 'MB/s read', 'peak RSS', 'int4 package'],
      [
        [
          `${(bytes / GB).toFixed(1)} GB`,
          (conversion.seconds / 60).toFixed(1),
          (bytes / 1e6 / conversion.seconds).toFixed(0),
          `${mib(conversion.peakRssBytes).toFixed(0)} MiB`,
          `${(conversion.writtenBytes / GB).toFixed(1)} GB`,
        ],
      ],
    ),
    '',
    `Answering as the runtime host does (2 threads, OCR context off), in a fresh process: load ${(answered.loadMs / 1000).toFixed(0)} s; peak RSS ${peakGiB.toFixed(1)} GiB = ${(peakGiB / packageGiB).toFixed(2)}× the package's ${packageGiB.toFixed(1)} GiB (goal ≤ 1.2× + 1 GiB: ${(1.2 * packageGiB + 1).toFixed(1)} GiB). Read bandwidth measured here: ${bandwidth.toFixed(1)} GB/s, so a decode step that reads the decoder's ${(answered.bytesReadPerToken / GB).toFixed(2)} GB of weights once takes at least ${roofMs.toFixed(0)} ms (the roofline). Decode: greedy, up to ${NEW_TOKENS} tokens after the 448×448 image.`,
    '',
    table(
      [
        'image',
        'views',
        'vision ms per view',
        'image memory ms',
        'first token s',
        'decode tokens/s',
        'fraction of roofline',
      ],
      answered.answers.map((a) => [
        `${a.width}×${a.height}`,
        String(a.views),
        (a.visionMs / a.views).toFixed(0),
        a.memoryMs.toFixed(0),
        (a.timeToFirstTokenMs / 1000).toFixed(1),
        a.newTokens > 1 ? a.tokensPerSecond.toFixed(2) : '–',
        a.newTokens > 1 ? ((roofMs * a.tokensPerSecond) / 1000).toFixed(2) : '–',
      ]),
    ),
    '',
    `Its language model against llama.cpp (node-llama-cpp's CPU build) on a Q4_0 GGUF file of the same weights, as in the section above, one process per engine and thread count:`,
    '',
    table(LLAMA_COLUMNS, llama),
  ].join('\n');
}

export const section: BenchSection = { name: 'released', title: 'The released size on this CPU', run };

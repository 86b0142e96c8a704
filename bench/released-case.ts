// The released-size package answering in its own process (so its peak memory is its own), as the extension's
// runtime host runs it: load, a 448×448 image with NEW_TOKENS greedy tokens, then a 1344×896 screenshot to its
// first token. OCR context off: these are the model's stages. Prints one JSON line.
//   tsx bench/released-case.ts <package> <threads>
import type { AnswerStats } from '../src/common/protocol.ts';
import { Engine } from '../src/host/engine.ts';
import { readManifest } from '../src/package/verify.ts';
import { bytesReadPerToken } from './runtime-case.ts';
import { screenshotPng } from './tiling.ts';

export const NEW_TOKENS = 16;

export interface ReleasedAnswer {
  width: number;
  height: number;
  views: number;
  visionMs: number;
  memoryMs: number;
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
  newTokens: number;
}

export interface ReleasedCaseResult {
  loadMs: number;
  answers: ReleasedAnswer[];
  bytesReadPerToken: number;
  peakRssBytes: number;
}

async function main(): Promise<void> {
  const [dir, threadsArg] = process.argv.slice(2);
  const threads = Number(threadsArg);
  const engine = new Engine(() => {});
  const started = performance.now();
  await engine.configure({
    modelDir: dir!,
    executionProvider: 'cpu',
    maxTiles: 64,
    maxPixels: 1e8,
    threads,
    ocrContext: 'off',
  });
  const loadMs = performance.now() - started;
  const answers: ReleasedAnswer[] = [];
  for (const [n, [width, height, maxNewTokens]] of [
    [448, 448, NEW_TOKENS],
    [1344, 896, 1],
  ].entries()) {
    const { stats } = await engine.ask(
      {
        id: `r${n}`,
        kind: 'ask',
        conversationId: `r${n}`,
        image: { name: `screenshot-${width}x${height}.png`, bytes: await screenshotPng(width, height) },
        question: 'What does this screen show?',
        options: { maxNewTokens },
      },
      () => {},
      () => false,
    );
    answers.push(answer(width!, height!, stats));
  }
  const manifest = readManifest(dir!);
  const result: ReleasedCaseResult = {
    loadMs,
    answers,
    bytesReadPerToken: bytesReadPerToken(manifest),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(result));
}

function answer(width: number, height: number, stats: AnswerStats): ReleasedAnswer {
  return {
    width,
    height,
    views: stats.grid?.views ?? 0,
    visionMs: stats.visionMs ?? 0,
    memoryMs: stats.memoryMs ?? 0,
    timeToFirstTokenMs: stats.timeToFirstTokenMs,
    tokensPerSecond: stats.tokensPerSecond,
    newTokens: stats.newTokens,
  };
}

if (process.argv[1] === import.meta.filename) await main();

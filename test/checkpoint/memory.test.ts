import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { benchCheckpointRead } from '../../bench/checkpoint.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';
import { tempDir } from './fixtures.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const MiB = 1 << 20;

/** 8 tensors of 16 MiB each: an fp32 torch.save archive and a bf16 safetensors file (128 MiB each). */
function bigCheckpoints(t: TestContext): { torch: string; safetensors: string } | undefined {
  if (!requireOrSkip(t, hasPythonModule('torch'), 'Python with torch (python3-torch)')) return undefined;
  const dir = tempDir();
  const files = { torch: join(dir, 'big.pt'), safetensors: join(dir, 'big.safetensors') };
  const script = `
import sys, torch
from infimm.checkpoint_io import save_safetensors
torch.save({f"layer.{i}.weight": torch.full((1024, 4096), float(i)) for i in range(8)}, sys.argv[1])
save_safetensors({f"layer.{i}.weight": torch.full((2048, 4096), float(i), dtype=torch.bfloat16) for i in range(8)}, sys.argv[2])
`;
  const run = spawnSync(PYTHON, ['-c', script, files.torch, files.safetensors], {
    env: { ...process.env, PYTHONPATH: join(repo, 'python') },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return files;
}

test('reading every tensor keeps memory near one tensor, far below the file size', async (t) => {
  const files = bigCheckpoints(t);
  if (!files) return;
  for (const file of [files.torch, files.safetensors]) {
    const size = statSync(file).size;
    assert.ok(size > 128 * MiB);
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(repo, 'test/checkpoint/read-memory.ts'), file],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const { rssGrowth, arrayBufferGrowth } = JSON.parse(run.stdout) as { rssGrowth: number; arrayBufferGrowth: number };
    const tensor = 16 * MiB;
    const held = file === files.torch ? tensor : 2 * tensor; // bf16 widens to float32 inside its own read buffer
    t.diagnostic(
      `${file.endsWith('.pt') ? 'torch fp32' : 'safetensors bf16'}: file ${size / MiB} MiB, peak growth: ArrayBuffers ${(arrayBufferGrowth / MiB).toFixed(1)} MiB, RSS ${(rssGrowth / MiB).toFixed(1)} MiB`,
    );
    assert.ok(
      arrayBufferGrowth <= held + MiB,
      `the reader held ${arrayBufferGrowth} bytes at once; one tensor needs ${held}`,
    );
    assert.ok(rssGrowth < size / 2, `RSS grew by ${rssGrowth} bytes`);
  }
});

test('benchCheckpointRead reports throughput, peak RSS and the largest tensor', async (t) => {
  const files = bigCheckpoints(t);
  if (!files) return;
  for (const file of [files.torch, files.safetensors]) {
    const result = await benchCheckpointRead(file);
    t.diagnostic(`${file}: ${JSON.stringify(result)}`);
    assert.equal(result.largestTensorBytes, 16 * MiB);
    assert.ok(result.mbPerSecond > 1 && Number.isFinite(result.mbPerSecond));
    assert.ok(result.peakRssBytes > 16 * MiB);
  }
});

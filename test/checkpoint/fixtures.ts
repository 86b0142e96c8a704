// Writes the Python-made fixtures once per test process and removes them when it exits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import type { BufferSource, Checkpoint } from '../../src/checkpoint/index.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./fixtures.py', import.meta.url));

export type FixtureSet = 'tensors' | 'model' | 'bad';

export interface TensorInfo {
  dtype: string;
  shape: number[];
}

export interface Fixtures {
  dir: string;
  manifest: {
    /** Per group (tensors, model_f32, nested, …): name → dtype and shape as torch reports them. */
    groups: Record<string, Record<string, TensorInfo>>;
    /** Per model dtype (f32, f16, bf16): the state-dict keys that share one tensor, as torch groups them. */
    aliases: Record<string, string[][]>;
  };
  /** The bytes torch holds for a tensor (`.bin`, stored dtype) or its float32 values (`.f32`). */
  expected(group: string, name: string, kind: 'bin' | 'f32'): Uint8Array;
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-test-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let made: Fixtures | undefined;

/** The fixtures (all sets, ~1.5 s), or undefined when torch is missing and the test was skipped. */
export function fixtures(t: TestContext): Fixtures | undefined {
  if (!requireOrSkip(t, hasPythonModule('torch'), 'Python with torch (python3-torch)')) return undefined;
  if (made === undefined) {
    const dir = tempDir();
    const sets: FixtureSet[] = ['tensors', 'model', 'bad'];
    const run = spawnSync(PYTHON, [script, dir, ...sets], {
      env: { ...process.env, PYTHONPATH: join(repo, 'python') },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`fixtures.py failed:\n${run.stderr}`);
    made = {
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
      expected: (group, name, kind) => readFileSync(join(dir, 'expected', group, `${name}.${kind}`)),
    };
  }
  return made;
}

/** Asserts that every tensor of a fixture group reads back as torch holds it: dtype, shape, bytes and float32 values, bit for bit. */
export async function assertGroupMatches(
  checkpoint: Checkpoint,
  fx: Fixtures,
  group: string,
  prefix = '',
  buffers?: BufferSource,
): Promise<void> {
  const infos = fx.manifest.groups[group];
  assert.ok(infos, `fixture group ${group}`);
  for (const [name, info] of Object.entries(infos)) {
    const entry = checkpoint.entry(prefix + name);
    assert.ok(entry, `${prefix + name} is an entry`);
    assert.equal(entry.dtype, info.dtype, name);
    assert.deepEqual(entry.shape, info.shape, name);
    const bytes = fx.expected(group, name, 'bin');
    assert.equal(entry.byteLength, bytes.byteLength, name);
    assert.ok(Buffer.from(await checkpoint.readBytes(prefix + name)).equals(bytes), `${name}: bytes differ`);
    const f32 = await checkpoint.readFloat32(prefix + name, buffers);
    assert.ok(
      Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).equals(fx.expected(group, name, 'f32')),
      `${name}: float32 values differ`,
    );
  }
}

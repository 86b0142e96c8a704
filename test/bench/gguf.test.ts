// The benchmark's GGUF writer: Q4_0 blocks, a file read back by node-llama-cpp's own GGUF parser, and the
// language model of a tiny checkpoint run by llama.cpp, which must give our decoder's greedy tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { Float16Array } from '@petamoriken/float16';
import { getLlama, readGgufFileInfo } from 'node-llama-cpp';
import { dequantizeQ4_0, GgmlType, quantizeQ4_0, writeGguf, type GgufTensor } from '../../bench/gguf.ts';
import { llamaGguf } from '../../bench/gguf-llama.ts';
import { llamaCpp, ours } from '../../bench/llama-case.ts';
import { readManifest } from '../../src/package/verify.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { tinyCheckpoint, tinyPackage } from '../../harness/tiny-models.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'infimm-gguf-'));

let llamaLoads: Promise<boolean> | undefined;
/** Whether node-llama-cpp's prebuilt CPU binary loads here (never built or downloaded). */
function llamaAvailable(): Promise<boolean> {
  llamaLoads ??= getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: true, progressLogs: false }).then(
    async (llama) => (await llama.dispose(), true),
    () => false,
  );
  return llamaLoads;
}

async function needsLlama(t: TestContext): Promise<boolean> {
  return (
    requireOrSkip(t, hasPythonModule('torch'), 'python3-torch') &&
    requireOrSkip(t, await llamaAvailable(), "node-llama-cpp's prebuilt binary")
  );
}

describe('Q4_0', () => {
  test("a block of multiples of its scale is stored exactly, with ggml's scale sign and nibble order", () => {
    const q = (j: number) => (j * 5 + (j < 16 ? 0 : 3)) % 16; // every level in each half, the halves different
    const x = Float32Array.from({ length: 32 }, (_, j) => (q(j) - 8) * 0.25); // -2 (q = 0) is the largest magnitude
    const bytes = quantizeQ4_0(x);
    assert.equal(bytes.length, 18);
    assert.equal(bytes[0]! | (bytes[1]! << 8), 0x3400); // fp16 0.25 = -2 / -8
    for (let j = 0; j < 16; j++) assert.equal(bytes[2 + j], q(j) | (q(j + 16) << 4));
    assert.deepEqual(dequantizeQ4_0(bytes, 32), x);
  });

  test('random rows round-trip within half a step (a step past +7 steps, which ggml clamps), the largest magnitude exactly', () => {
    const x = Float32Array.from({ length: 32 * 64 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const y = dequantizeQ4_0(quantizeQ4_0(x), x.length);
    for (let b = 0; b < 64; b++) {
      const block = x.subarray(32 * b, 32 * b + 32);
      const peak = block.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      const step = Math.abs(peak) / 8;
      for (let j = 0; j < 32; j++) {
        const bound = Math.abs(block[j]!) > 7 * step ? step : step / 2;
        assert.ok(Math.abs(y[32 * b + j]! - block[j]!) <= bound * (1 + 1e-3), `block ${b} value ${j}`);
      }
      assert.ok(Math.abs(y[32 * b + block.indexOf(peak)]! - peak) <= 1e-3 * Math.abs(peak));
    }
  });
});

test('a GGUF file reads back with node-llama-cpp: metadata of each type, tensor shapes, types, aligned offsets and data', async () => {
  const file = join(scratch(), 'test.gguf');
  const f32 = Float32Array.from({ length: 6 * 5 }, (_, i) => i - 7.5);
  const q4 = Float32Array.from({ length: 3 * 64 }, (_, i) => Math.cos(i));
  const tensors: GgufTensor[] = [
    { name: 'a.weight', shape: [6, 5], type: GgmlType.F32, data: async () => f32 },
    { name: 'b.weight', shape: [3, 64], type: GgmlType.Q4_0, data: async () => q4 },
    {
      name: 'c.weight',
      shape: [7],
      type: GgmlType.F16,
      data: async () => Float32Array.of(1, -2, 0.5, 65504, 0, -0.25, 3),
    },
  ];
  const metadata = {
    'general.architecture': { type: 'string', value: 'llama' },
    'test.count': { type: 'u32', value: 4000000000 },
    'test.offset': { type: 'i32', value: -12 },
    'test.eps': { type: 'f32', value: 1e-5 },
    'test.flag': { type: 'bool', value: true },
    'test.names': { type: 'string[]', value: ['▁the', '<0x0A>', '日本'] },
    'test.scores': { type: 'f32[]', value: [0, -1.5, 2] },
    'test.kinds': { type: 'i32[]', value: [1, 6, -3] },
  } as const;
  const size = await writeGguf(file, metadata, tensors);
  const bytes = readFileSync(file);
  assert.equal(bytes.length, size);
  assert.equal(size % 32, 0);

  const info = await readGgufFileInfo(file, { logWarnings: false });
  assert.equal(info.version, 3);
  const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
  assert.equal(test.count, 4000000000);
  assert.equal(test.offset, -12);
  assert.equal(test.eps, Math.fround(1e-5));
  assert.equal(test.flag, true);
  assert.deepEqual(test.names, ['▁the', '<0x0A>', '日本']);
  assert.deepEqual(test.scores, [0, -1.5, 2]);
  assert.deepEqual(test.kinds, [1, 6, -3]);

  const infos = info.fullTensorInfo!;
  assert.deepEqual(
    infos.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType]),
    [
      ['a.weight', [5, 6], GgmlType.F32],
      ['b.weight', [64, 3], GgmlType.Q4_0],
      ['c.weight', [7], GgmlType.F16],
    ],
  );
  const at = (n: number, length: number) =>
    new Uint8Array(bytes.subarray(Number(infos[n]!.fileOffset), Number(infos[n]!.fileOffset) + length)); // a copy, aligned
  for (const t of infos) assert.equal(Number(t.fileOffset) % 32, 0);
  assert.deepEqual(new Float32Array(at(0, 120).buffer), f32);
  assert.deepEqual(at(1, 3 * 2 * 18), quantizeQ4_0(q4));
  assert.deepEqual(Array.from(new Float16Array(at(2, 14).buffer)), [1, -2, 0.5, 65504, 0, -0.25, 3]);
});

describe('llama.cpp on the language model of a tiny checkpoint', () => {
  for (const preset of ['tiny', 'tiny-gqa'] as const) {
    test(`${preset}: the F32 GGUF gives our fp32 package's greedy tokens, past two cache reallocations`, async (t) => {
      if (!(await needsLlama(t))) return;
      const checkpoint = await tinyCheckpoint({ preset });
      const dir = await tinyPackage({ preset });
      const { architecture, tokens } = readManifest(dir);
      const file = join(scratch(), 'model.gguf');
      const gguf = await llamaGguf(checkpoint, architecture, tokens, 'F32');
      await writeGguf(file, gguf.metadata, gguf.tensors).finally(() => gguf.close());
      const prompt = [
        1,
        ...Array.from({ length: 19 }, (_, i) => 3 + ((i * 811) % (architecture.language.vocabSize - 3))),
      ];
      const count = 140;
      const engines = [await ours(dir, 1), await llamaCpp(file, 1, prompt.length + count)];
      const [mine, theirs] = [await engines[0]!.generate(prompt, count), await engines[1]!.generate(prompt, count)];
      await Promise.all(engines.map((e) => e.close()));
      assert.deepEqual(theirs, mine);
    });
  }

  test('the Q4_0 GGUF computes what llama.cpp computes on its dequantised weights', async (t) => {
    if (!(await needsLlama(t))) return;
    const checkpoint = await tinyCheckpoint({ preset: 'tiny' });
    const { architecture, tokens } = readManifest(await tinyPackage({ preset: 'tiny' }));
    const dir = scratch();
    const gguf = await llamaGguf(checkpoint, architecture, tokens, 'Q4_0');
    assert.ok(gguf.tensors.some((x) => x.type === GgmlType.Q4_0) && gguf.tensors.some((x) => x.type === GgmlType.F16));
    // The same values as float32: Q4_0 blocks dequantised, F16 rounded.
    const widened = gguf.tensors.map((x): GgufTensor => {
      if (x.type === GgmlType.F32) return x;
      const round = async (data: Float32Array) =>
        x.type === GgmlType.Q4_0
          ? dequantizeQ4_0(quantizeQ4_0(data), data.length)
          : Float32Array.from(new Float16Array(data));
      return { ...x, type: GgmlType.F32, data: async () => round(await x.data()) };
    });
    await writeGguf(join(dir, 'q4.gguf'), gguf.metadata, gguf.tensors);
    await writeGguf(join(dir, 'f32.gguf'), gguf.metadata, widened).finally(() => gguf.close());
    const prompt = [1, 40, 41, 42, 43, 44, 45, 46];
    const count = 12; // llama.cpp rounds activations to 8 bits for Q4_0 matrices: equal for a while, not forever
    const runs: number[][] = [];
    for (const name of ['q4.gguf', 'f32.gguf']) {
      const engine = await llamaCpp(join(dir, name), 1, prompt.length + count);
      runs.push(await engine.generate(prompt, count));
      await engine.close();
    }
    assert.deepEqual(runs[0], runs[1]);
  });
});

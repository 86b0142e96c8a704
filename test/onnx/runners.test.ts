// The vision, memory and decoder runners over a fake session: what they feed the graphs and how they read the
// outputs back, without the native binding.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError } from '../../src/common/errors.ts';
import { crossContext, Decoder, DecoderState } from '../../src/decoder/decoder.ts';
import { DecoderIO, MASKED } from '../../src/decoder/io.ts';
import { computeMemory } from '../../src/memory/memory.ts';
import { MemoryIO } from '../../src/memory/io.ts';
import type { Tensor, Tensors } from '../../src/onnx/model-session.ts';
import type { Architecture, TokenIds } from '../../src/package/manifest.ts';
import { encodeViews } from '../../src/vision/vision.ts';
import { FakeSession } from '../support/fake-session.ts';

const arch = {
  vision: {
    imageSize: 2,
    patchSize: 1,
    width: 3,
    layers: 1,
    heads: 1,
    mlpHidden: 4,
    layerNormEps: 1e-6,
    tokensPerView: 2,
  },
  language: {
    vocabSize: 5,
    hiddenSize: 4,
    intermediateSize: 8,
    layers: 2,
    heads: 2,
    kvHeads: 1,
    headDim: 2,
    rmsNormEps: 1e-6,
    ropeTheta: 1e4,
    maxPositions: 256,
  },
  crossAttention: { everyNLayers: 2, decoderLayers: [1], heads: 1, dimHead: 2, ffMult: 2, layerNormEps: 1e-6 },
} satisfies Architecture;
const tokens: TokenIds = { bos: 1, eos: 2, pad: 0, endOfChunk: 3, image: 4 };

const values = (t: Tensor | undefined) => Array.from(t!.data, Number);

describe('the vision runner', () => {
  const viewPixels = 3 * arch.vision.imageSize ** 2;
  const viewFeatures = arch.vision.tokensPerView * arch.vision.width;
  // Each view's features are its first pixel, repeated: the output shows which view landed where.
  const vision = () =>
    new FakeSession((feeds) => {
      const { data, dims } = feeds.pixel_values!;
      const n = dims[0]!;
      const out = new Float32Array(n * viewFeatures);
      for (let v = 0; v < n; v++) out.fill(Number(data[v * viewPixels]), v * viewFeatures, (v + 1) * viewFeatures);
      return { features: { data: out, dims: [n, arch.vision.tokensPerView, arch.vision.width] } };
    });
  const pixels = (views: number) =>
    Float32Array.from({ length: views * viewPixels }, (_, i) => Math.floor(i / viewPixels) + 1);

  test('runs the views in batches of two and puts each batch’s features in place', async () => {
    const session = vision();
    const features = await encodeViews(session, arch.vision, pixels(5), 5);
    assert.deepEqual(
      session.runs.map((r) => r.pixel_values!.dims),
      [
        [2, 3, 2, 2],
        [2, 3, 2, 2],
        [1, 3, 2, 2],
      ],
    );
    assert.deepEqual(
      Array.from({ length: 5 }, (_, v) => features[v * viewFeatures]),
      [1, 2, 3, 4, 5],
    );
    assert.ok(features.every((x, i) => x === Math.floor(i / viewFeatures) + 1));
  });

  test('a cancel takes effect between batches', async () => {
    const session = vision();
    await assert.rejects(
      encodeViews(session, arch.vision, pixels(5), 5, () => session.runs.length === 2),
      CancelledError,
    );
    assert.equal(session.runs.length, 2);
  });
});

describe('the memory runner', () => {
  test('feeds the features and positions with their dims and keeps every block’s keys and values', async () => {
    const memory = new FakeSession(() => ({
      [MemoryIO.key(0)]: { data: new Float32Array(8).fill(1), dims: [1, 1, 4, 2] },
      [MemoryIO.value(0)]: { data: new Float32Array(8).fill(2), dims: [1, 1, 4, 2] },
    }));
    const views = 2;
    const m = await computeMemory(memory, arch, new Float32Array(views * 2 * 3), new Float32Array(views * 3), views);
    assert.deepEqual(memory.runs[0]!.features!.dims, [2, 2, 3]);
    assert.deepEqual(memory.runs[0]!.positions!.dims, [2, 3]);
    assert.equal(m.tokens, 4);
    assert.equal(m.bytes, 64);
    assert.deepEqual(values(m.values[0]), new Array(8).fill(2));
  });

  test('an output that is not float32 is refused', async () => {
    const memory = new FakeSession(() => ({ [MemoryIO.key(0)]: { data: new Int32Array(8), dims: [1, 1, 4, 2] } }));
    await assert.rejects(
      computeMemory(memory, arch, new Float32Array(12), new Float32Array(6), 2),
      /no float32 output/,
    );
  });
});

describe('the decoder runner', () => {
  const { kvHeads, headDim, vocabSize } = arch.language;
  const width = kvHeads * headDim;
  // The new rows of position p are all p + 1 (keys) and -(p + 1) (values); the logits are the position ids.
  const decoder = () =>
    new FakeSession((feeds) => {
      const positions = Array.from(feeds[DecoderIO.positionIds]!.data, Number);
      const T = positions.length;
      const rows = (sign: number) => ({
        data: Float32Array.from({ length: T * width }, (_, i) => sign * (positions[Math.floor(i / width)]! + 1)),
        dims: [1, T, width],
      });
      const out: Tensors = {
        [DecoderIO.logits]: {
          data: Float32Array.from({ length: vocabSize }, (_, i) => positions.at(-1)! + i),
          dims: [1, vocabSize],
        },
      };
      for (let l = 0; l < arch.language.layers; l++) {
        out[DecoderIO.newKey(l)] = rows(1);
        out[DecoderIO.newValue(l)] = rows(-1);
      }
      return out;
    });

  test('feeds positions, lengths and the cache so far, and appends the new rows to it', async () => {
    const session = decoder();
    const state = new DecoderState(arch, crossContext(arch, []));
    const run = new Decoder(session, arch, tokens);
    await run.forward(state, [1, 7, 8]);
    const logits = await run.forward(state, [9]);
    assert.deepEqual(Array.from(logits), [3, 4, 5, 6, 7]);
    const [first, second] = session.runs as [Tensors, Tensors];
    assert.deepEqual(values(first[DecoderIO.positionIds]), [0, 1, 2]);
    assert.deepEqual(values(first[DecoderIO.logitsFrom]), [2]);
    assert.deepEqual([values(first[DecoderIO.seqlensK]), values(first[DecoderIO.totalLength])], [[2], [3]]);
    assert.deepEqual(first[DecoderIO.pastKey(0)]!.dims, [1, kvHeads, 0, headDim]);
    assert.deepEqual(values(second[DecoderIO.positionIds]), [3]);
    assert.deepEqual([values(second[DecoderIO.seqlensK]), values(second[DecoderIO.totalLength])], [[3], [4]]);
    // The cache grows in chunks; its first three rows hold what the first run returned.
    const past = second[DecoderIO.pastValue(1)]!;
    assert.deepEqual(past.dims, [1, kvHeads, 64, headDim]);
    assert.deepEqual(values(past).slice(0, 3 * headDim), [-1, -1, -2, -2, -3, -3]);
    assert.equal(state.length, 4);
    assert.deepEqual(values(second[DecoderIO.crossFlag]), [0]);
  });

  test('a truncated conversation continues from where it was cut', async () => {
    const session = decoder();
    const state = new DecoderState(arch, crossContext(arch, []));
    const run = new Decoder(session, arch, tokens);
    await run.forward(state, [1, 7, 8, 9], true);
    assert.deepEqual(values(session.runs[0]![DecoderIO.logitsFrom]), [0]);
    state.truncate(2);
    await run.forward(state, [5]);
    assert.deepEqual(values(session.runs[1]![DecoderIO.positionIds]), [2]);
    assert.deepEqual(values(session.runs[1]![DecoderIO.totalLength]), [3]);
  });

  test('tokens attend to the memory of their most recent <image>, none before the first', async () => {
    const memory = (fill: number, n: number) => ({
      tokens: n,
      keys: [{ data: new Float32Array(n * 2).fill(fill), dims: [1, 1, n, 2] }],
      values: [{ data: new Float32Array(n * 2).fill(-fill), dims: [1, 1, n, 2] }],
      bytes: 0,
    });
    const cross = crossContext(arch, [memory(1, 2), memory(2, 1)]);
    const session = decoder();
    await new Decoder(session, arch, tokens).forward(new DecoderState(arch, cross), [1, tokens.image, 7, tokens.image]);
    const feeds = session.runs[0]!;
    assert.deepEqual(values(feeds[DecoderIO.memoryKey(0)]), [1, 1, 1, 1, 2, 2]);
    assert.deepEqual(values(feeds[DecoderIO.crossRows]), [0, 1, 1, 1]);
    const M = Math.fround(MASKED);
    assert.deepEqual(values(feeds[DecoderIO.crossBias]), [0, 0, M, 0, 0, M, 0, 0, M, M, M, 0]);
    assert.deepEqual(values(feeds[DecoderIO.crossFlag]), [1]);
  });
});

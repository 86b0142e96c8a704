import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SentencePiece } from '../../src/tokens/sentencepiece.ts';
import { PieceType } from '../../src/tokens/sentencepiece-model.ts';
import { mulberry32 } from '../../src/tokens/random.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { trainTokenizerModel, type TrainOptions } from '../../harness/tokenizer-model.ts';
import { reference } from './reference.ts';
import { sampleTexts } from './sample-texts.ts';

const USER_SYMBOLS = ['<tool>', '[[', ']]', 'xyz', 'xy', 'ab', '🙂', 'foo bar', '  x', '▁▁▁▁'];

const VARIANTS: { name: string; options: TrainOptions; texts: number }[] = [
  { name: 'byte fallback (LLaMA-like)', options: {}, texts: 10_000 },
  { name: 'no byte fallback (unknown id)', options: { byteFallback: false }, texts: 3_000 },
  { name: 'user-defined symbols', options: { userDefinedSymbols: USER_SYMBOLS }, texts: 3_000 },
  {
    name: 'remove_extra_whitespaces and user-defined symbols',
    options: { removeExtraWhitespaces: true, userDefinedSymbols: USER_SYMBOLS },
    texts: 3_000,
  },
];

const KINDS: Record<number, string> = {
  [PieceType.CONTROL]: 'control',
  [PieceType.UNKNOWN]: 'unknown',
  [PieceType.BYTE]: 'byte',
  [PieceType.UNUSED]: 'unused',
};

/** Random id sequences, half of them byte pieces, to test decoding of what a model may emit. */
function randomIdSequences(sp: SentencePiece, count: number, seed: number): number[][] {
  const random = mulberry32(seed);
  const bytes = sp.model.pieces.flatMap((p, id) => (p.type === PieceType.BYTE ? [id] : []));
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 24) }, () =>
      bytes.length > 0 && random() < 0.5 ? bytes[Math.floor(random() * bytes.length)]! : Math.floor(random() * sp.size),
    ),
  );
}

function firstMismatches<T>(ours: T[], theirs: T[], inputs: unknown[]): string {
  const lines: string[] = [];
  ours.forEach((value, i) => {
    if (lines.length < 5 && JSON.stringify(value) !== JSON.stringify(theirs[i])) {
      lines.push(`${JSON.stringify(inputs[i])}: ours ${JSON.stringify(value)}, reference ${JSON.stringify(theirs[i])}`);
    }
  });
  return lines.join('\n');
}

for (const [index, variant] of VARIANTS.entries()) {
  test(`encode and decode match SentencePiece: ${variant.name}`, async (t) => {
    if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece')) return;
    const model = await trainTokenizerModel(variant.options);
    const sp = await SentencePiece.fromFile(model);
    const texts = sampleTexts(variant.texts, 1000 + index, variant.options.userDefinedSymbols);
    const started = performance.now();
    const ours = texts.map((text) => sp.encode(text));
    const encodeMs = performance.now() - started;
    const idSequences = [...ours, ...randomIdSequences(sp, 2_000, 2000 + index)];
    const expected = reference(model, texts, idSequences);

    assert.deepEqual(
      sp.model.pieces.map((p) => [p.piece, p.score, KINDS[p.type] ?? 'other']),
      expected.pieces,
      'pieces, scores and types',
    );
    assert.deepEqual([sp.unkId, sp.bosId, sp.eosId], expected.special);

    const encodeDiff = firstMismatches(ours, expected.encoded, texts);
    assert.equal(encodeDiff, '', `encode differs from SentencePiece:\n${encodeDiff}`);
    const decoded = idSequences.map((ids) => sp.decode(ids));
    const decodeDiff = firstMismatches(decoded, expected.decoded, idSequences);
    assert.equal(decodeDiff, '', `decode differs from SentencePiece:\n${decodeDiff}`);

    const characters = texts.reduce((sum, text) => sum + text.length, 0);
    t.diagnostic(`${texts.length} texts, ${characters} UTF-16 units encoded in ${encodeMs.toFixed(0)} ms`);
  });
}

test('decode(encode(text)) gives the text back with byte fallback', async (t) => {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece')) return;
  const sp = await SentencePiece.fromFile(await trainTokenizerModel());
  // A "▁" typed in the text comes back as a space: SentencePiece cannot tell it from an escaped space.
  const texts = sampleTexts(3_000, 77).filter((text) => !text.includes('\u2581'));
  assert.deepEqual(
    texts.filter((text) => sp.decode(sp.encode(text)) !== text),
    [],
  );
});

test('lone surrogates encode as U+FFFD, which is what their UTF-8 form holds', async (t) => {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece')) return;
  const sp = await SentencePiece.fromFile(await trainTokenizerModel());
  assert.deepEqual(sp.encode('a\uD800b\uDC00'), sp.encode('a\uFFFDb\uFFFD'));
});

test('long text encodes in linear-logarithmic time', async (t) => {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece')) return;
  const sp = await SentencePiece.fromFile(await trainTokenizerModel());
  const text = sampleTexts(400, 5).join(' ');
  // Best of three, so that a garbage collection does not decide the outcome.
  const time = (input: string): number =>
    Math.min(
      ...[0, 1, 2].map(() => {
        const started = performance.now();
        sp.encode(input);
        return performance.now() - started;
      }),
    );
  const single = time(text);
  const eightfold = time(text.repeat(8));
  t.diagnostic(`${text.length} units: ${single.toFixed(1)} ms; ×8: ${eightfold.toFixed(1)} ms`);
  // Quadratic work would take 64× as long; linear work up to 4× over 8× allows for caches and a busy machine.
  assert.ok(eightfold < single * 8 * 4, `×8 the text took ${(eightfold / single).toFixed(1)}× as long`);
});

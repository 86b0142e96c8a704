import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TokenizerError } from '../../src/tokens/errors.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { testTokenizerModel, trainTokenizerModel } from '../../harness/tokenizer-model.ts';

const haveSentencePiece = (t: Parameters<typeof requireOrSkip>[0]): boolean =>
  requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece (trains the test tokenizer)');

test('added tokens follow the base vocabulary', async (t) => {
  if (!haveSentencePiece(t)) return;
  const tokenizer = await InfimmTokenizer.fromFile(await testTokenizerModel());
  assert.equal(tokenizer.sentencePiece.size, 3000);
  assert.deepEqual(
    [
      tokenizer.bos,
      tokenizer.eos,
      tokenizer.sentencePiece.unkId,
      tokenizer.endOfChunk,
      tokenizer.image,
      tokenizer.vocabSize,
    ],
    [1, 2, 0, 3000, 3001, 3002],
  );
});

test('text is split on added tokens and each piece of text gets its own dummy prefix', async (t) => {
  if (!haveSentencePiece(t)) return;
  const tokenizer = await InfimmTokenizer.fromFile(await testTokenizerModel());
  const sp = tokenizer.sentencePiece;
  const cases: [string, number[]][] = [
    ['USER: <image>What is it', [...sp.encode('USER: '), tokenizer.image, ...sp.encode('What is it')]],
    ['answer<|endofchunk|> USER:', [...sp.encode('answer'), tokenizer.endOfChunk, ...sp.encode(' USER:')]],
    ['<image><image>', [tokenizer.image, tokenizer.image]],
    ['<image', sp.encode('<image')],
    ['<|endofchunk|>x', [tokenizer.endOfChunk, ...sp.encode('x')]],
    ['', []],
  ];
  for (const [text, ids] of cases) assert.deepEqual(tokenizer.encode(text), ids, text);
  assert.equal(sp.idToPiece(tokenizer.encode('<image>What')[1]!)[0], '▁', 'the text after <image> starts with "▁"');
  assert.deepEqual(tokenizer.encode('hi', { addBos: true }), [1, ...sp.encode('hi')]);
});

test('decode inverts encode, with or without the added tokens', async (t) => {
  if (!haveSentencePiece(t)) return;
  const tokenizer = await InfimmTokenizer.fromFile(await testTokenizerModel());
  const text = 'Look <image>at this chart<|endofchunk|> USER: and 漢字 🚀 here';
  const ids = tokenizer.encode(text, { addBos: true });
  assert.equal(tokenizer.decode(ids), text);
  assert.equal(tokenizer.decode(ids, { skipSpecial: true }), 'Look at this chart USER: and 漢字 🚀 here');
  assert.equal(tokenizer.decode([...ids, tokenizer.eos]), text, 'EOS prints nothing');
  assert.throws(() => tokenizer.decode([tokenizer.vocabSize]), /outside the vocabulary/);
  assert.throws(() => tokenizer.decode([-1]), /outside the vocabulary/);
});

test('a missing, damaged or unsupported tokenizer.model gets one clear error', async (t) => {
  if (!haveSentencePiece(t)) return;
  const dir = await mkdtemp(join(tmpdir(), 'tokens-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const json = join(dir, 'tokenizer.json');
  await writeFile(json, JSON.stringify({ model: { type: 'BPE', vocab: { a: 0 } } }));
  const truncated = join(dir, 'truncated.model');
  await writeFile(truncated, (await readFile(await testTokenizerModel())).subarray(0, 5000));

  const cases: [string, TokenizerError['info']['code'], RegExp][] = [
    [join(dir, 'absent.model'), 'model-missing', /Cannot read the tokenizer .*absent\.model/],
    [json, 'model-invalid', /tokenizer\.json is not a SentencePiece tokenizer\.model/],
    [truncated, 'model-invalid', /truncated\.model is not a SentencePiece tokenizer\.model/],
    [await trainTokenizerModel({ modelType: 'unigram' }), 'model-incompatible', /is a unigram SentencePiece model/],
    [await trainTokenizerModel({ normalization: 'nmt_nfkc' }), 'model-incompatible', /uses the "nmt_nfkc" normalizer/],
  ];
  for (const [path, code, message] of cases) {
    await assert.rejects(InfimmTokenizer.fromFile(path), (error: unknown) => {
      assert.ok(error instanceof TokenizerError, String(error));
      assert.equal(error.info.code, code);
      assert.match(error.message, message);
      assert.ok(error.info.hint, 'says what to do next');
      return true;
    });
  }
});

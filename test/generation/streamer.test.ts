import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../src/tokens/random.ts';
import { TextStreamer } from '../../src/generation/streamer.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { testTokenizerModel } from '../../harness/tokenizer-model.ts';
import { sampleTexts } from '../tokens/sample-texts.ts';

async function tokenizer(t: Parameters<typeof requireOrSkip>[0]): Promise<InfimmTokenizer | undefined> {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece (trains the test tokenizer)')) return;
  return InfimmTokenizer.fromFile(await testTokenizerModel());
}

function stream(tok: InfimmTokenizer, ids: readonly number[]): { deltas: string[]; streamer: TextStreamer } {
  const streamer = new TextStreamer(tok);
  const deltas = ids.map((id) => streamer.push(id));
  deltas.push(streamer.finish());
  return { deltas, streamer };
}

test('a character split over byte tokens comes out whole, once its last byte arrives', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const piece = (text: string): number => tok.sentencePiece.pieceToId(text);
  const ids = ['▁', '<0xE6>', '<0xBC>', '<0xA2>', '<0xF0>', '<0x9F>', '<0xAB>', '<0xA0>', '▁the', '<0xE6>', '▁a'].map(
    piece,
  );
  assert.ok(!ids.includes(tok.sentencePiece.unkId));
  const { deltas, streamer } = stream(tok, ids);
  // The leading "▁" is the dummy prefix and prints nothing; an unfinished character before a piece is U+FFFD.
  assert.deepEqual(deltas, ['', '', '', '漢', '', '', '', '🫠', ' the', '', '\uFFFD a', '']);
  assert.equal(streamer.text, '漢🫠 the\uFFFD a');
});

test('the text ends at <|endofchunk|> or EOS, which print nothing', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const answer = tok.sentencePiece.encode('The answer is 42.');
  for (const stop of [tok.endOfChunk, tok.eos]) {
    const { deltas, streamer } = stream(tok, [...answer, stop, ...answer]);
    assert.equal(deltas.join(''), 'The answer is 42.');
    assert.equal(streamer.text, 'The answer is 42.');
  }
  const cut = stream(tok, [...answer, tok.sentencePiece.pieceToId('<0xE6>')]);
  assert.equal(cut.deltas.at(-1), '\uFFFD', 'finish() gives out held bytes when generation stops early');
});

test('streamed text equals the whole decode and never holds part of a character', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const random = mulberry32(9);
  const byteIds = Array.from({ length: 256 }, (_, b) =>
    tok.sentencePiece.pieceToId(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`),
  );
  const sequences = [
    ...sampleTexts(500, 31).map((text) => tok.sentencePiece.encode(text)),
    // What a model may emit: any piece, and byte runs that break off mid-character.
    ...Array.from({ length: 500 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
        random() < 0.6 ? byteIds[Math.floor(random() * 256)]! : Math.floor(random() * tok.sentencePiece.size),
      ),
    ),
  ];
  for (const ids of sequences) {
    const { deltas } = stream(tok, ids);
    const end = ids.indexOf(tok.eos);
    assert.equal(deltas.join(''), tok.decode(end < 0 ? ids : ids.slice(0, end)), JSON.stringify(ids));
    for (const delta of deltas)
      assert.doesNotMatch(delta, /\p{Cs}/u, `${JSON.stringify(delta)} splits a surrogate pair`);
  }
});

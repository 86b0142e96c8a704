// Trains small SentencePiece models like LLaMA's (BPE, byte fallback, identity normalizer) with Google's
// trainer (Debian's python3-sentencepiece), for tests that need a real `tokenizer.model`.
// The corpus is generated from a seed, and each model is cached under .cache/ keyed by corpus + options.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mulberry32 } from '../src/tokens/random.ts';
import { PYTHON } from './requirements.ts';

export interface TrainOptions {
  vocabSize?: number;
  byteFallback?: boolean;
  userDefinedSymbols?: string[];
  removeExtraWhitespaces?: boolean;
  /** 'bpe' (default, LLaMA's) or 'unigram'. */
  modelType?: 'bpe' | 'unigram';
  /** SentencePiece's normalization_rule_name: 'identity' (default, LLaMA's), 'nmt_nfkc', … */
  normalization?: string;
}

export const ENGLISH_WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by ' +
  'word but not what all were we when your can said there use an each which she do how their if will up ' +
  'other about out many then them these so some her would make like him into time has look two more write ' +
  'go see number no way could people my than first water been call who oil its now find long down day did ' +
  'get come made may part image picture screen button window error message line code file chart table value ' +
  'function return const class import export answer question model token assistant user helpful detailed'
).split(' ');

export const CODE_WORDS = (
  'const let function return if else for while import from export class interface type async await new ' +
  'this null undefined true false def self print range len None True False public static void int string'
).split(' ');

/** Code point ranges of scripts present in the corpus (CJK only partly, so rarer ideographs fall back to bytes). */
export const SCRIPTS: Record<string, [number, number]> = {
  han: [0x4e00, 0x4e00 + 300],
  hiragana: [0x3041, 0x3096],
  cyrillic: [0x0430, 0x044f],
  greek: [0x03b1, 0x03c9],
  arabic: [0x0627, 0x064a],
};

export const EMOJI = ['😀', '👍', '🚀', '❤️', '👩‍💻', '🎉', '✅'];

const PUNCTUATION = ['.', ',', '!', '?', ':', ';', ' -', ' (', ')', '"', "'s"];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function scriptWord(random: () => number, [from, to]: [number, number], length: number): string {
  let word = '';
  for (let i = 0; i < length; i++) word += String.fromCodePoint(from + Math.floor(random() * (to - from)));
  return word;
}

/** One line of mixed training text. */
function corpusLine(random: () => number): string {
  const kind = random();
  if (kind < 0.45) {
    const words = Array.from({ length: 4 + Math.floor(random() * 14) }, () => pick(random, ENGLISH_WORDS));
    if (random() < 0.3) words.push(String(Math.floor(random() * 100000)));
    const first = words[0]!;
    words[0] = first[0]!.toUpperCase() + first.slice(1);
    return words.map((w) => (random() < 0.1 ? w + pick(random, PUNCTUATION) : w)).join(' ') + '.';
  }
  if (kind < 0.65) {
    const indent =
      random() < 0.2 ? '\t'.repeat(1 + Math.floor(random() * 2)) : ' '.repeat(2 * Math.floor(random() * 4));
    const name = pick(random, ENGLISH_WORDS) + pick(random, ['Value', 'Count', '_id', 'List', '']);
    const templates = [
      `${pick(random, CODE_WORDS)} ${name} = ${pick(random, CODE_WORDS)}(${name}, ${Math.floor(random() * 512)});`,
      `if (${name} !== null && ${name}.length > ${Math.floor(random() * 10)}) {`,
      `def ${name}(self, ${pick(random, ENGLISH_WORDS)}=None):`,
      `return ${name}[${Math.floor(random() * 8)}] + ${pick(random, ENGLISH_WORDS)}  # ${pick(random, ENGLISH_WORDS)}`,
      `/src/${pick(random, ENGLISH_WORDS)}/${name}.ts:${Math.floor(random() * 300)}`,
      `C:\\Users\\${pick(random, ENGLISH_WORDS)}\\${name}.json`,
    ];
    return indent + pick(random, templates);
  }
  const script = pick(random, Object.keys(SCRIPTS));
  const range = SCRIPTS[script]!;
  const spaced = script !== 'han' && script !== 'hiragana';
  const words = Array.from({ length: 3 + Math.floor(random() * 10) }, () =>
    scriptWord(random, range, 1 + Math.floor(random() * (spaced ? 7 : 4))),
  );
  if (random() < 0.3) words.push(pick(random, EMOJI));
  return words.join(spaced ? ' ' : '') + (spaced ? '.' : '。');
}

export function trainingCorpus(lines = 8000, seed = 20240301): string {
  const random = mulberry32(seed);
  return Array.from({ length: lines }, () => corpusLine(random)).join('\n') + '\n';
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pending = new Map<string, Promise<string>>();

/** Path of a trained model for these options; trains it on first use, then reuses the cached file. */
export function trainTokenizerModel(options: TrainOptions = {}): Promise<string> {
  const corpus = trainingCorpus();
  const trainer = {
    model_type: options.modelType ?? 'bpe',
    vocab_size: options.vocabSize ?? 3000,
    byte_fallback: options.byteFallback ?? true,
    user_defined_symbols: options.userDefinedSymbols ?? [],
    split_digits: true,
    normalization_rule_name: options.normalization ?? 'identity',
    add_dummy_prefix: true,
    remove_extra_whitespaces: options.removeExtraWhitespaces ?? false,
    allow_whitespace_only_pieces: true,
    character_coverage: 0.9995,
    max_sentencepiece_length: 16,
    num_threads: 1,
    unk_id: 0,
    bos_id: 1,
    eos_id: 2,
    pad_id: -1,
  };
  const key = createHash('sha256').update(corpus).update(JSON.stringify(trainer)).digest('hex').slice(0, 16);
  let result = pending.get(key);
  if (!result) {
    result = train(key, corpus, trainer);
    pending.set(key, result);
  }
  return result;
}

/** The LLaMA-like test tokenizer (BPE, byte fallback, vocab 3000) shared by every area's tests. */
export function testTokenizerModel(): Promise<string> {
  return trainTokenizerModel();
}

const TRAIN_SCRIPT = `
import json, sys
import sentencepiece as spm
spm.SentencePieceTrainer.train(**json.loads(sys.argv[1]))
`;

async function train(key: string, corpus: string, trainer: object): Promise<string> {
  const dir = join(ROOT, '.cache', 'tokenizers', key);
  const model = join(dir, 'tokenizer.model');
  if (existsSync(model)) return model;
  // Train in a private folder and rename it into place, so concurrent test processes never see half a file.
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(work, { recursive: true });
  try {
    await writeFile(join(work, 'corpus.txt'), corpus);
    const args = { ...trainer, input: join(work, 'corpus.txt'), model_prefix: join(work, 'tokenizer'), minloglevel: 2 };
    await promisify(execFile)(PYTHON, ['-c', TRAIN_SCRIPT, JSON.stringify(args)], { maxBuffer: 64 << 20 }).catch(
      (error: Error & { stderr?: string }) => {
        throw new Error(
          `Training a test tokenizer with ${PYTHON} failed; it needs python3-sentencepiece ` +
            `(guard the test with requireOrSkip(t, hasPythonModule('sentencepiece'), …)).\n${error.stderr || error.message}`,
        );
      },
    );
    await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(model)) throw error; // another process won the race: use its model
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return model;
}

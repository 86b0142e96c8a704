// Prints the path of the tests' SentencePiece model (trained once, cached), which the random checkpoints use.
import { testTokenizerModel } from '../../harness/tokenizer-model.ts';

console.log(await testTokenizerModel());

// Prints the path of the tests' SentencePiece model (trained once, cached), which the random checkpoints use.
import { testTokenizerModel } from '../../test/support/tokenizerModel.ts';

console.log(await testTokenizerModel());

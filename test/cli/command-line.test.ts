import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const COMMANDS = {
  ask: 'src/cli/ask.ts',
  eval: 'src/cli/eval.ts',
  ocr: 'src/cli/ocr.ts',
  convert: 'src/convert/cli.ts',
  unpack: 'src/convert/unpack-cli.ts',
};

function run(script: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { encoding: 'utf8', cwd: ROOT });
}

for (const [name, script] of Object.entries(COMMANDS)) {
  test(`npm run ${name} answers --help with its usage and an unknown option with the error and the usage`, () => {
    const help = run(script, '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^usage: npm run ${name} -- `, 'i'));
    const unknown = run(script, '--no-such-option');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--no-such-option'/);
    assert.match(unknown.stderr, new RegExp(`usage: npm run ${name} -- `, 'i'));
    assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');
  });
}

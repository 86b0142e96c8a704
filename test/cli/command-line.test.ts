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

test('a whole-number option that is not one is named with its value, before anything runs', () => {
  for (const [script, args, option] of [
    [COMMANDS.ask, ['image.png', 'Is it dark?', '--max-tiles', 'abc'], 'max-tiles'],
    [COMMANDS.ask, ['image.png', 'Is it dark?', '--threads=-1'], 'threads'],
    [COMMANDS.ask, ['image.png', 'Is it dark?', '--max-tokens', '1.5'], 'max-tokens'],
    [COMMANDS.convert, ['checkpoint', 'out', '--threads', '0'], 'threads'],
    [COMMANDS.eval, ['--samples', 'many'], 'samples'],
  ] as const) {
    const r = run(script, ...args);
    assert.equal(r.status, 2, `${script} ${args.join(' ')}`);
    assert.match(r.stderr, new RegExp(`^--${option} takes a whole number of at least \\d, not "`));
  }
});

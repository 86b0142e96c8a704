import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError, openCheckpoint } from '../../src/checkpoint/index.ts';
import { PickleTuple, unpickle, type PickleValue, type UnpickleHooks } from '../../src/checkpoint/pickle.ts';
import { tensorsInPickle } from '../../src/checkpoint/torch-pickle.ts';
import { PYTHON } from '../../harness/requirements.ts';
import { fixtures } from './fixtures.ts';

async function assertRefused(path: string, message: RegExp): Promise<void> {
  await assert.rejects(openCheckpoint(path), (error: unknown) => {
    assert.ok(error instanceof CheckpointError, String(error));
    assert.equal(error.file, path);
    assert.match(error.message, message);
    return true;
  });
}

test('a pickle whose __reduce__ calls os.system or eval is refused by name and nothing runs', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const marker = join(fx.dir, 'bad/pwned');
  await assertRefused(join(fx.dir, 'bad/evil_system.pt'), /Python global "posix\.system".*refused without running it/);
  await assertRefused(
    join(fx.dir, 'bad/evil_eval.pt'),
    /Python global "(__builtin__|builtins)\.eval".*refused without running it/,
  );
  assert.equal(existsSync(marker), false, 'the payload did not run');
  // The payload is real: torch.load, which trusts the pickle, runs it.
  spawnSync(PYTHON, ['-c', 'import sys, torch; torch.load(sys.argv[1])', join(fx.dir, 'bad/evil_system.pt')], {
    stdio: 'ignore',
  });
  assert.equal(existsSync(marker), true, 'torch.load runs the payload');
});

test('whole pickled modules, storages pickled as bytes, unsupported dtypes and pre-1.6 files are refused with the next step', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  await assertRefused(
    join(fx.dir, 'bad/module.pt'),
    /"torch\.nn\.modules\.linear\.Linear".*save model\.state_dict\(\) instead/,
  );
  await assertRefused(join(fx.dir, 'bad/bytes_storage.pt'), /torch\.storage\._load_from_bytes.*refused/);
  await assertRefused(
    join(fx.dir, 'bad/complex.pt'),
    /holds a ComplexFloatStorage, a dtype this reader does not support/,
  );
  await assertRefused(join(fx.dir, 'bad/legacy.pt'), /is a bare pickle .*re-save it with torch >= 1\.6/);
});

/** A pickle from opcode text: printable characters as they are, \xNN escapes for the rest. */
const pickle = (text: string) => Buffer.from(text, 'latin1');

test('the unpickler refuses what torch.save never writes, without a Python interpreter', () => {
  const refused = (bytes: Buffer, message: RegExp) =>
    assert.throws(
      () => tensorsInPickle(bytes, 'x.pt', 'x/data.pkl'),
      (e: unknown) => e instanceof CheckpointError && message.test(e.message),
    );
  // Protocol 4 STACK_GLOBAL naming os.system.
  refused(pickle('\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93\x94.'), /global "os\.system"/);
  // Protocol 0 INST builds an object from a class: not an opcode torch.save writes.
  refused(pickle('(ios\nsystem\n.'), /uses opcode 0x69/);
  refused(pickle('\x80\x02}q\x00(X\x05\x00\x00\x00ab'), /ends early/);
  refused(pickle('\x80\x02K\x05.'), /holds no dict of tensors/);
  refused(
    pickle('\x80\x02}(X\x01\x00\x00\x00w(X\x03\x00\x00\x00fooK\x01tQu.'),
    /persistent id that is not a torch storage/,
  );
  refused(pickle('\x80\x02h\x07.'), /memo slot 7/);
  refused(pickle('\x80\x02ctorch\nFloatStorage\n)R.'), /calls a storage type as if it were a function/);
  // Dicts, lists, ints, longs and floats are plain data: they unpickle, and hold no tensors.
  const data = pickle(
    '\x80\x02}(X\x01\x00\x00\x00a]K\x01aX\x01\x00\x00\x00bG?\xf0\x00\x00\x00\x00\x00\x00\x8a\x02\xff\x7f\x8a\x01\xff\x87u.',
  );
  const noCalls: UnpickleHooks = {
    global: () => assert.fail('no global'),
    persistentLoad: () => assert.fail('no persistent id'),
    call: () => assert.fail('no call'),
  };
  assert.deepEqual(
    unpickle(data, noCalls, 'x.pt', 'x/data.pkl'),
    new Map<PickleValue, PickleValue>([
      ['a', [1]],
      ['b', new PickleTuple([1, 32767, -1])],
    ]),
  );
  assert.deepEqual(tensorsInPickle(data, 'x.pt', 'x/data.pkl'), []);
});

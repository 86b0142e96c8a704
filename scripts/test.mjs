// Lints (npm run lint: the recommended rules and the layer table of docs/architecture.md) and type-checks
// (npm run typecheck: strict, tests included), then runs every test file under test/ with Node's test runner
// (TypeScript through tsx); `npm test -- <path fragment>` runs only the matching test files, without the lint
// and the type check. With CI=true a skipped test fails the run: CI must have every dependency installed.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'support' || name === 'fixtures' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filter = process.argv.slice(2);
const npmRun = (script) => (filter.length === 0 ? spawnSync('npm', ['run', script], { stdio: 'inherit' }).status : 0);
const lint = npmRun('lint');
const typecheck = npmRun('typecheck');
const files = findTests('test')
  .filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)))
  .sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 30 },
);
process.stdout.write(result.stdout);
const skipped = Number(/^ℹ skipped (\d+)/m.exec(result.stdout)?.[1] ?? 0);
if (process.env.CI === 'true' && skipped > 0) {
  console.error(`CI=true: ${skipped} test(s) skipped; every test must run in CI.`);
  process.exit(1);
}
if (lint !== 0) {
  console.error('npm run lint failed (above).');
  process.exit(1);
}
if (typecheck !== 0) {
  console.error('npm run typecheck failed (above).');
  process.exit(1);
}
process.exit(result.status ?? 1);

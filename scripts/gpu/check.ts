// Runs the runtime's model on several execution providers over the same packages and image, checks that each
// provider's answers agree with the CPU's, and times every stage. test/gpu runs it on WebGPU over a software
// Vulkan driver; scripts/gpu-check.sh runs it, bundled, on a lent GPU machine. Its parts are in check/: the
// machine's probe, a provider's timed run, the agreement with the CPU, the Markdown report.
//
//   check.ts --package NAME=DIR… --image FILE [--ep webgpu,cpu] [--tokens 32] [--repeats 3] [--max-tiles 16]
//            [--threads 0] [--bandwidth-gbs N] [--out results.json]
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProviderName } from '../../src/onnx/model-session.ts';
import { checkPackage } from './check/package.ts';
import { nvidiaName } from './check/probe.ts';
import { markdown } from './check/report.ts';
import type { CheckResult } from './check/results.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      package: { type: 'string', multiple: true, default: [] },
      image: { type: 'string' },
      ep: { type: 'string', default: 'webgpu,cpu' },
      tokens: { type: 'string', default: '32' },
      repeats: { type: 'string', default: '3' },
      'max-tiles': { type: 'string', default: '16' },
      threads: { type: 'string', default: '0' },
      'bandwidth-gbs': { type: 'string' },
      out: { type: 'string' },
    },
  });
  // Decode speed is measured between the first and the last token: it takes two at least.
  if (!values.image || values.package.length === 0 || !(Number(values.tokens) >= 2)) {
    console.error(
      'usage: check.ts --package NAME=DIR… --image FILE [--ep webgpu,cpu] [--tokens N≥2] [--repeats N] [--max-tiles N] [--threads N] [--bandwidth-gbs N] [--out FILE]',
    );
    return 2;
  }
  const bandwidthGBs = values['bandwidth-gbs'] ? Number(values['bandwidth-gbs']) : undefined;
  const options = {
    providers: values.ep.split(',') as ProviderName[],
    tokens: Number(values.tokens),
    repeats: Number(values.repeats),
    threads: Number(values.threads),
    maxTiles: Number(values['max-tiles']),
    bandwidthGBs,
  };
  const result: CheckResult = {
    node: process.version,
    image: basename(values.image),
    tokens: options.tokens,
    repeats: options.repeats,
    gpu: nvidiaName(),
    bandwidthGBs,
    packages: [],
  };
  for (const spec of values.package) {
    const [name, dir] = spec.includes('=')
      ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)]
      : [basename(spec), spec];
    console.error(`checking ${name}`);
    result.packages.push(await checkPackage(name, dir, values.image, options));
    // Written after each package, so a run stopped at its time limit still leaves what it finished.
    if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 1));
  }
  console.log(markdown(result));
  const failed = result.packages.some((p) => p.runs.some((r) => r.error) || p.agreement.some((a) => !a.ok));
  return failed ? 1 : 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = await main();

// Child process of the WebGPU tests: opens one graph with openSession and prints the provider it got, or the
// error, as JSON. Usage: open.ts GRAPH PROVIDER [GPU: yes|no]
import { openSession, ProviderUnavailableError, currentPlatform } from '../../src/onnx/session.ts';
import type { ExecutionProviderName } from '../../src/common/protocol.ts';
import { floatOutput } from '../../src/onnx/model-session.ts';

const [path, provider, gpu] = process.argv.slice(2) as [string, ExecutionProviderName, string | undefined];
const log: string[] = [];
const platform = { ...currentPlatform(), ...(gpu ? { gpu: gpu === 'yes' } : {}) };
try {
  const opened = await openSession(
    path,
    { executionProvider: provider, threads: 1, log: (line) => log.push(line) },
    platform,
  );
  const output = await opened.session.run({ x: { data: Float32Array.of(-1.5, 0.4, 2.6, -0.2, 3.5, 1), dims: [2, 3] } });
  console.log(JSON.stringify({ provider: opened.provider, y: Array.from(floatOutput(output, 'y').data), log }));
} catch (error) {
  const code = error instanceof ProviderUnavailableError ? error.code : 'other';
  console.log(JSON.stringify({ error: (error as Error).message, code, log }));
}

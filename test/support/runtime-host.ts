// A runtime client whose host runs the TypeScript sources through tsx (the extension runs the bundled host).
import { resolve } from 'node:path';
import type { RuntimeConfig } from '../../src/common/protocol.ts';
import { RuntimeClient } from '../../src/host/client.ts';

export const HOST_SCRIPT = resolve(import.meta.dirname, '..', '..', 'src', 'host', 'main.ts');
export const TSX = ['--import', import.meta.resolve('tsx')];

export function testClient(log: string[] = []): RuntimeClient {
  return new RuntimeClient({
    hostScript: HOST_SCRIPT,
    execArgv: TSX,
    log: (line) => log.push(line),
    cancelGraceMs: 5000,
  });
}

export function config(modelDir: string, overrides: Partial<RuntimeConfig> = {}): RuntimeConfig {
  return {
    modelDir,
    executionProvider: 'cpu',
    maxTiles: 16,
    maxPixels: 50_000_000,
    threads: 1,
    ocrContext: 'auto',
    ...overrides,
  };
}

// How the runtime chooses execution providers: the order `auto` tries, what it says when WebGPU cannot run,
// and the error when a provider the user chose cannot. No Vulkan driver is visible to this process, so WebGPU
// fails here as it does on a machine without a GPU driver.
process.env.VK_ICD_FILENAMES = '/nonexistent/icd.json';
process.env.VK_DRIVER_FILES = '/nonexistent/icd.json';

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toErrorInfo } from '../../src/host/errors.ts';
import {
  autoProviders,
  currentPlatform,
  failureReason,
  openSession,
  ProviderUnavailableError,
  type Platform,
} from '../../src/onnx/session.ts';
import { oneNodeGraph } from './graphs.ts';

const platform = (facts: Partial<Platform>): Platform => ({
  os: 'linux',
  arch: 'x64',
  cudaLibraries: false,
  gpu: true,
  ...facts,
});

describe('execution provider choice', () => {
  test('auto tries the GPU providers each platform build carries, then the CPU', () => {
    assert.deepEqual(autoProviders(platform({})), ['webgpu', 'cpu']);
    assert.deepEqual(autoProviders(platform({ gpu: undefined })), ['webgpu', 'cpu']);
    assert.deepEqual(autoProviders(platform({ cudaLibraries: true })), ['cuda', 'webgpu', 'cpu']);
    assert.deepEqual(autoProviders(platform({ arch: 'arm64' })), ['cpu']);
    assert.deepEqual(autoProviders(platform({ os: 'win32', gpu: undefined })), ['dml', 'webgpu', 'cpu']);
    assert.deepEqual(autoProviders(platform({ os: 'darwin', arch: 'arm64', gpu: undefined })), [
      'webgpu',
      'coreml',
      'cpu',
    ]);
    assert.deepEqual(autoProviders(platform({ os: 'darwin', gpu: undefined })), ['coreml', 'cpu']);
  });

  test('without a GPU, auto does not try WebGPU (a software Vulkan driver would be slower than the CPU)', async () => {
    assert.deepEqual(autoProviders(platform({ gpu: false })), ['cpu']);
    const log: string[] = [];
    const settings = { executionProvider: 'auto', threads: 1, log: (line: string) => log.push(line) } as const;
    for (const graph of [oneNodeGraph('Relu', 'vision.onnx'), oneNodeGraph('Relu', 'decoder.onnx')]) {
      assert.equal((await openSession(graph, settings, platform({ gpu: false }))).provider, 'cpu');
    }
    assert.deepEqual(log, ['no GPU found on this machine (no PCI display controller): the model runs on the CPU']);
  });

  test('auto falls back to the CPU when WebGPU finds no adapter, and says so once per model', async () => {
    const log: string[] = [];
    const settings = { executionProvider: 'auto', threads: 1, log: (line: string) => log.push(line) } as const;
    for (const graph of [
      oneNodeGraph('Relu', 'vision.onnx'),
      oneNodeGraph('Relu', 'memory.onnx'),
      oneNodeGraph('Relu', 'decoder.onnx'),
    ]) {
      const opened = await openSession(graph, settings, platform({}));
      assert.equal(opened.provider, 'cpu');
      await opened.session.release();
    }
    assert.equal(log.length, 1, log.join('\n'));
    assert.match(
      log[0]!,
      /^webgpu cannot run vision\.onnx \(Failed to get a WebGPU adapter: No supported adapters\): using cpu instead$/,
    );
  });

  test('a provider the user chose that cannot run is an error naming it, the graph and the reason', async () => {
    const graph = oneNodeGraph('Relu', 'vision.onnx');
    const error = await openSession(graph, {
      executionProvider: 'webgpu',
      threads: 1,
      log: () => assert.fail('no log for a forced provider'),
    }).then(
      () => assert.fail('webgpu has no adapter here'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProviderUnavailableError);
    const info = toErrorInfo(error);
    assert.equal(info.code, 'provider-unavailable');
    assert.equal(
      info.message,
      'The webgpu execution provider cannot run vision.onnx: Failed to get a WebGPU adapter: No supported adapters.',
    );
    assert.match(info.hint ?? '', /"auto"/);
  });

  test('a later session still opens after a failed one (creation is serialised, not poisoned)', async () => {
    const graph = oneNodeGraph('Relu');
    await assert.rejects(
      openSession(graph, { executionProvider: 'webgpu', threads: 1, log: () => {} }),
      ProviderUnavailableError,
    );
    assert.equal((await openSession(graph, { executionProvider: 'cpu', threads: 1, log: () => {} })).provider, 'cpu');
  });

  test('failure reasons lose ONNX Runtime source locations; disabled CPU fallback is said plainly', () => {
    assert.equal(
      failureReason(
        new Error(
          '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n',
        ),
      ),
      'Failed to get a WebGPU adapter: No supported adapters',
    );
    assert.equal(
      failureReason(
        new Error(
          'This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.',
        ),
      ),
      'some of its operators have no kernel on this provider',
    );
  });

  test('this machine is described from sysfs on Linux', () => {
    const facts = currentPlatform();
    assert.equal(facts.os, process.platform);
    if (process.platform === 'linux') assert.notEqual(facts.gpu, undefined);
  });
});

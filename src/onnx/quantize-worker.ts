// One thread of QuantizeWorkers: quantises the rows it is sent with quantize() itself, sends the result back
// (its arrays moved, not copied) and wakes the converter's thread, which waits for it in Atomics.wait.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { quantize } from './quantize.ts';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

port.on('message', (args: Parameters<typeof quantize>) => {
  try {
    const result = quantize(...args);
    port.postMessage(
      { result },
      Object.values(result).flatMap((v) => (ArrayBuffer.isView(v) ? [v.buffer as ArrayBuffer] : [])),
    );
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});

parentPort?.postMessage('ready');

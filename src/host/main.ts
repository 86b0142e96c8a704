// The runtime host: a child process forked by the extension host or the CLI. Requests arrive over IPC and run
// one at a time; a cancel marks its target, which stops between two model runs; the host exits with its parent.
// A prepare gives way: a request about another image (or a follow-up question) cancels it, while a question
// about the same image queues behind it and finds its work cached, never done twice.
import type { HostEvent, Request } from '../common/protocol.ts';
import { Engine } from './engine.ts';
import { isCancellation, toErrorInfo } from './errors.ts';

process.title = 'infimm-runtime-host';

function send(event: HostEvent): void {
  process.send?.(event);
}

function log(line: string): void {
  send({ id: '', kind: 'log', line });
}

const engine = new Engine(log);
const queue: Array<{ request: Request; received: number }> = [];
const cancelled = new Set<string>();
/** The image of each prepare queued or running. */
const preparing = new Map<string, Uint8Array>();
let running = false;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function cancelPreparesFor(request: Request): void {
  const image = 'image' in request ? request.image : undefined;
  if (image === undefined && request.kind !== 'ask') return;
  for (const [id, bytes] of preparing) if (image === undefined || !sameBytes(bytes, image.bytes)) cancelled.add(id);
}

async function handle(request: Request, received: number): Promise<void> {
  const shouldCancel = () => cancelled.has(request.id);
  switch (request.kind) {
    case 'configure':
      return send({ id: request.id, kind: 'done', result: await engine.configure(request.config) });
    case 'ask': {
      const onText = (text: string) => send({ id: request.id, kind: 'text', text });
      const result = await engine.ask(request, onText, shouldCancel, performance.now() - received);
      return send(
        result.stats.stopReason === 'cancelled'
          ? { id: request.id, kind: 'cancelled' }
          : { id: request.id, kind: 'done', result },
      );
    }
    case 'ocr':
      return send({
        id: request.id,
        kind: 'done',
        result: { kind: 'ocr', ocr: await engine.ocr(request, shouldCancel) },
      });
    case 'prepare':
      return send({ id: request.id, kind: 'done', result: await engine.prepare(request.image, shouldCancel) });
    case 'inspect':
      return send({
        id: request.id,
        kind: 'done',
        result: { kind: 'inspect', info: await engine.inspect(request.image) },
      });
    case 'endConversation':
      engine.endConversation(request.conversationId);
      return send({ id: request.id, kind: 'done', result: { kind: 'endConversation' } });
    case 'cancel':
      return; // handled on arrival
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  while (queue.length > 0) {
    const { request, received } = queue.shift()!;
    try {
      if (cancelled.has(request.id)) send({ id: request.id, kind: 'cancelled' });
      else await handle(request, received);
    } catch (error) {
      if (isCancellation(error)) send({ id: request.id, kind: 'cancelled' });
      else {
        const info = toErrorInfo(error);
        if (info.code === 'internal') log(error instanceof Error && error.stack ? error.stack : String(error));
        send({ id: request.id, kind: 'error', error: info });
      }
    } finally {
      cancelled.delete(request.id);
      preparing.delete(request.id);
    }
  }
  running = false;
}

process.on('message', (message: Request) => {
  if (message.kind === 'cancel') {
    cancelled.add(message.target);
    return;
  }
  cancelPreparesFor(message);
  if (message.kind === 'prepare') preparing.set(message.id, message.image.bytes);
  queue.push({ request: message, received: performance.now() });
  void drain();
});

// The parent closed the channel (it exited or let us go): nothing is left to answer.
process.on('disconnect', () => process.exit(0));

/**
 * Output thread body: writes each `[file, xml]` it is sent into the output
 * directory atomically (temp file, then link without replacing or rename with
 * --force) and answers each message with one outcome per file, in order.
 * It loads no converter: its only job is the file-system work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tryWriteFileAtomic } from './atomic-write.js';
import type { WriterData } from './output-writer.js';

const { dir, force } = workerData as WriterData;
const port = parentPort;
if (!port) throw new Error('the output writer must run in a worker thread');

port.on('message', (items: [file: string, xml: string][]) => {
  port.postMessage(items.map(([file, xml]) => tryWriteFileAtomic(dir, file, xml, force)));
});

/** Worker thread body: convert the files the pool sends, one result message each. */
import { parentPort, workerData } from 'node:worker_threads';
import { convertFile, type ConvertFileOptions } from './convert-file.js';

const opts = workerData as ConvertFileOptions;
const port = parentPort;
if (!port) throw new Error('batch worker must run in a worker thread');

port.on('message', (msg: { id: number; source: string }) => {
  void convertFile(msg.source, opts).then((result) => port.postMessage({ id: msg.id, result }));
});

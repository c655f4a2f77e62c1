/** Worker thread body: convert each chunk of files the pool sends, answer with one message per chunk. */
import { parentPort, workerData } from 'node:worker_threads';
import { convertFile, type ConvertFileOptions } from './convert-file.js';

const opts = workerData as ConvertFileOptions;
const port = parentPort;
if (!port) throw new Error('batch worker must run in a worker thread');

port.on('message', (msg: { first: number; sources: string[] }) => {
  port.postMessage({ first: msg.first, results: msg.sources.map((s) => convertFile(s, opts)) });
});

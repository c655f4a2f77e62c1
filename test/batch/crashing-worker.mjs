// Test double for a conversion worker that dies mid-chunk: it converts the first
// input it is sent, then exits without answering.
import { parentPort, workerData } from 'node:worker_threads';
import { convertFile } from '../../dist/batch/convert-file.js';

parentPort.once('message', (msg) => {
  convertFile(msg.sources[0], workerData);
  process.exit(3);
});

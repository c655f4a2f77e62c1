// Test double for an output thread that dies mid-chunk: it writes the first
// file it is sent (completely, atomically), then exits without answering.
import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomic } from '../../dist/batch/atomic-write.js';

parentPort.once('message', (items) => {
  const [file, xml] = items[0];
  writeFileAtomic(workerData.dir, file, xml, workerData.force);
  process.exit(3);
});

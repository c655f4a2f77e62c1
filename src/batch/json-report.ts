/**
 * The `--json` report, streamed: results are written as they complete so that
 * a batch of any size runs in constant memory. The whole output is one JSON
 * document: {"results":[…],"summary":{…}}.
 */
import type { BatchSummary, InputResult } from './types.js';

export interface TextSink {
  write(chunk: string): unknown;
}

export class JsonReportWriter {
  private count = 0;

  constructor(private readonly out: TextSink) {}

  add(r: InputResult): void {
    const record = {
      source: r.source,
      ok: r.ok,
      domain: r.domain ?? null,
      xml: r.xml ?? null,
      output: r.output ?? null,
      warnings: r.warnings,
      error: r.error ?? null,
    };
    this.out.write((this.count++ === 0 ? '{"results":[\n' : ',\n') + JSON.stringify(record));
  }

  finish(summary: BatchSummary): void {
    this.out.write((this.count === 0 ? '{"results":[' : '\n') + `],\n"summary":${JSON.stringify(summary)}}\n`);
  }
}

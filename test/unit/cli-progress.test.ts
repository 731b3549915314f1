// The CLI's progress off a terminal (a batch job's log): a line when a step starts, then only every few seconds
// and at the end, never one per slab (a 4 GB file has hundreds); logs as they come; nothing when quiet.
import { strict as assert } from 'node:assert';
import { terminalHooks } from '../../src/cli/progress';

function captured(run: (h: ReturnType<typeof terminalHooks>) => void, quiet = false): string[] {
  const lines: string[] = [];
  const write = process.stderr.write;
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
  process.stderr.write = ((chunk: string) => {
    lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
    return true;
  }) as typeof process.stderr.write;
  try {
    run(terminalHooks(new AbortController().signal, quiet));
  } finally {
    process.stderr.write = write;
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  return lines;
}

describe('CLI progress off a terminal', () => {
  it('one line when a step starts and one at its end, not one per slab', () => {
    const lines = captured((h) => {
      h.onProgress!({ phase: 'encode', message: 'choosing how to code (rel:1e-3)' });
      h.onLog!('a.npy: candidate error-bounded coder alone: 800648 bytes estimated');
      for (let k = 1; k <= 14; k++) h.onProgress!({ phase: 'encode', message: 'coding (error-bounded coder alone)', fraction: k / 14 });
      h.onProgress!({ phase: 'verify', message: 'reading the file back' });
      for (let k = 1; k <= 14; k++) h.onProgress!({ phase: 'verify', message: 'reading the file back', fraction: k / 14 });
    });
    assert.deepEqual(lines, [
      'encode: choosing how to code (rel:1e-3)',
      'a.npy: candidate error-bounded coder alone: 800648 bytes estimated',
      'encode: coding (error-bounded coder alone) (7%)',
      'encode: coding (error-bounded coder alone) (100%)',
      'verify: reading the file back',
      'verify: reading the file back (100%)',
    ]);
  });

  it('a step repeated without a fraction is said once; quiet says nothing', () => {
    assert.deepEqual(captured((h) => {
      for (let k = 0; k < 3; k++) h.onProgress!({ phase: 'encode', message: 'encoding' });
    }), ['encode: encoding']);
    assert.deepEqual(captured((h) => {
      h.onProgress!({ phase: 'encode', message: 'encoding', fraction: 0.5 });
      h.onLog!('a line');
    }, true), []);
  });
});

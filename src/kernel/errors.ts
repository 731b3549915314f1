/**
 * An error the user caused or can fix: bad input, a corrupted file, an output that exists.
 * The CLI prints `baler: <file>: <message>` on one line and exits non-zero; no stack trace.
 */
export class BalerError extends Error {
  constructor(message: string, readonly file?: string, readonly code: string = 'EBALER') {
    super(message);
    this.name = 'BalerError';
  }

  /** One line: "<file>: <message>" or just the message. */
  toLine(): string {
    return this.file ? `${this.file}: ${this.message}` : this.message;
  }
}

/** Raised when an AbortSignal cancels long work. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * Where a loop over slabs may stop: lets pending events run first — the handler of a signal (Ctrl-C, SIGTERM) that
 * aborts `signal` among them, which coding on this thread alone would otherwise hold back to the end — then
 * throwIfAborted.
 */
export async function cancellationPoint(signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfAborted(signal);
}

/** Runs engine work that reports bad data without knowing its file, naming the file in its errors. */
export async function namingFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BalerError && !err.file) throw new BalerError(err.message, file, err.code);
    throw err;
  }
}

/** What a user can do about an error, in the words of where they meet it. */
export interface ErrorAdvice {
  /** At the command line (the CLI's flags; a notebook's %baler lines take the same). */
  cli: string;
  /** In VS Code, where its commands and files differ from the CLI's flags; absent: the CLI's advice holds there too. */
  editor?: string;
}

/**
 * An error the user caused or can fix: bad input, a corrupted file, an output that exists.
 * The CLI prints `baler: <file>: <message>` on one line and exits non-zero; no stack trace. With advice, the
 * message is `<fact> — <advice.cli>`; `fact` and `advice` stay apart so that the extension can put its own advice
 * after the fact.
 */
export class BalerError extends Error {
  /** What went wrong, without what to do about it. */
  readonly fact: string;

  constructor(fact: string, readonly file?: string, readonly code: string = 'EBALER', readonly advice?: ErrorAdvice) {
    super(advice ? `${fact} — ${advice.cli}` : fact);
    this.name = 'BalerError';
    this.fact = fact;
  }

  /** One line: "<file>: <message>" or just the message. */
  toLine(): string {
    return this.file ? `${this.file}: ${this.message}` : this.message;
  }

  /** The same error naming `file` (and, when given, under another code). */
  naming(file: string | undefined, code: string = this.code): BalerError {
    return new BalerError(this.fact, file, code, this.advice);
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
    if (err instanceof BalerError && !err.file) throw err.naming(file);
    throw err;
  }
}

// The extension's side of the kernel process: forks dist/kernel.js, sends typed requests, routes progress,
// logs and cell outputs to the caller, cancels on request. If the process dies, every pending call fails
// with the reason and the next call starts a new process.
import { fork, type ChildProcess } from 'node:child_process';
import type { Progress } from '../kernel/api';
import {
  isKernelEvent, type CellOutput, type KernelErrorPayload, type KernelEvent, type KernelMethod, type KernelRequest,
  type ParamsOf, type ResultOf,
} from '../kernel/protocol';

export interface CallHandlers {
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  onOutput?: (o: CellOutput) => void;
  /** Aborting sends a cancel to the kernel; the call then rejects with a cancelled KernelError. */
  signal?: AbortSignal;
}

/**
 * An engine error as VS Code shows it: `<file>: <fact> — <advice>`, with the advice in VS Code's terms where the
 * engine gives them (a file to put somewhere rather than a CLI flag), else the CLI's line as it is.
 */
export class KernelError extends Error {
  readonly cancelled: boolean;
  readonly file?: string;
  /** The BalerError code, e.g. 'EEXIST' for an output that exists. */
  readonly code?: string;
  readonly crashed: boolean;

  constructor(payload: KernelErrorPayload, crashed = false) {
    const text = payload.fact && payload.editorAdvice ? `${payload.fact} — ${payload.editorAdvice}` : payload.message;
    super(payload.file ? `${payload.file}: ${text}` : text);
    this.name = payload.name;
    this.cancelled = payload.cancelled;
    this.file = payload.file;
    this.code = payload.code;
    this.crashed = crashed;
    if (payload.stack) this.stack = payload.stack;
  }
}

interface PendingCall {
  method: KernelMethod;
  handlers: CallHandlers;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export interface KernelClientOptions {
  kernelPath: string;
  log(line: string): void;
  onCrash(reason: string): void;
  /** Extra environment of each new process (read when it starts, e.g. BALER_TFJS_NODE_PATH from the settings). */
  env?: () => NodeJS.ProcessEnv;
}

const STDERR_TAIL_LINES = 20;

export class KernelClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private stderrTail: string[] = [];
  /** The running process was started with settings that changed since: replace it once it is idle. */
  private stale = false;
  /** Number of processes started so far (tests check that a crash leads to a new one). */
  starts = 0;

  constructor(private readonly options: KernelClientOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  call<M extends KernelMethod>(method: M, params: ParamsOf<M>, handlers: CallHandlers = {}): Promise<ResultOf<M>> {
    const child = this.ensureProcess();
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      if (handlers.signal?.aborted) {
        reject(new KernelError({ name: 'CancelledError', message: 'cancelled', cancelled: true }));
        return;
      }
      this.pending.set(id, { method, handlers, resolve: resolve as (v: unknown) => void, reject });
      handlers.signal?.addEventListener('abort', () => this.send({ type: 'cancel', id }), { once: true });
      this.send({ type: 'request', id, method, params }, child);
    });
  }

  /** Cancels every running call. */
  cancelAll(): number {
    for (const id of this.pending.keys()) this.send({ type: 'cancel', id });
    return this.pending.size;
  }

  /**
   * The next call starts a new process, now if none is running calls, else once they are done: for settings a
   * process reads when it starts (tfjs can load a native backend once per process, not unload it).
   */
  restartWhenIdle(): void {
    if (!this.child) return;
    this.stale = true;
    if (this.pending.size === 0) this.stopIdleChild();
  }

  private stopIdleChild(): void {
    const child = this.child;
    this.child = undefined;
    this.stale = false;
    if (child) {
      this.options.log(`kernel process stopped (pid ${child.pid}): settings changed`);
      child.kill();
    }
  }

  dispose(): void {
    const child = this.child;
    this.child = undefined;
    this.failAll('the Baler kernel process was stopped');
    child?.kill();
  }

  private send(message: KernelRequest, child = this.child): void {
    if (child?.connected) child.send(message);
  }

  private ensureProcess(): ChildProcess {
    if (this.stale && this.pending.size === 0) this.stopIdleChild();
    if (this.child && this.child.exitCode === null && this.child.connected) return this.child;
    this.starts++;
    this.stderrTail = [];
    const child = fork(this.options.kernelPath, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Two malloc arenas on glibc: the slab workers' buffers are freed by the main thread, and with one arena
      // per thread the freed memory stays spread over them (a 1 GB compress on two threads: 534 MiB peak, 493).
      env: { MALLOC_ARENA_MAX: '2', ...process.env, ...this.options.env?.(), ELECTRON_RUN_AS_NODE: '1' },
      execArgv: ['--max-old-space-size=4096'],
      // Structured clone: Infinity and NaN (an exact PSNR, for one) arrive as numbers, not null.
      serialization: 'advanced',
    });
    this.child = child;
    this.options.log(`kernel process started (pid ${child.pid})`);
    child.stdout?.on('data', (d: Buffer) => this.options.log(d.toString().trimEnd()));
    child.stderr?.on('data', (d: Buffer) => this.collectStderr(d.toString()));
    child.on('message', (m: unknown) => {
      if (isKernelEvent(m)) this.onEvent(m);
      else this.options.log(`kernel process sent an unexpected message: ${JSON.stringify(m)?.slice(0, 200)}`);
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (err) => this.options.log(`kernel process error: ${err.message}`));
    return child;
  }

  private collectStderr(text: string): void {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      this.options.log(`[kernel] ${line}`);
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    }
  }

  private onEvent(event: KernelEvent): void {
    if (event.type === 'ready') return;
    const call = this.pending.get(event.id);
    if (!call) return;
    switch (event.type) {
      case 'progress': call.handlers.onProgress?.(event.progress); break;
      case 'log': call.handlers.onLog?.(event.line); break;
      case 'output': call.handlers.onOutput?.(event.output); break;
      case 'result':
        this.pending.delete(event.id);
        call.resolve(event.result);
        break;
      case 'error':
        this.pending.delete(event.id);
        call.reject(new KernelError(event.error));
        break;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const lastError = this.stderrTail.filter((l) => /error|Error|ERR|abort|memory/.test(l)).at(-1) ?? this.stderrTail.at(-1);
    const reason = `the Baler kernel process ${how}${lastError ? `: ${lastError.trim()}` : ''}`;
    this.options.log(reason);
    const hadWork = this.pending.size > 0;
    this.failAll(reason, true);
    if (hadWork || code !== 0) this.options.onCrash(reason);
  }

  private failAll(reason: string, crashed = false): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(new KernelError({ name: 'KernelCrashed', message: reason, cancelled: false }, crashed));
  }
}

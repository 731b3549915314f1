// Typed messages between the VS Code extension and the kernel process (dist/kernel.js, forked with an IPC
// channel). The extension sends requests and cancels; the kernel answers each request with any number of
// progress/log/output events and exactly one result or error. No vscode import here: both sides use it.
import type {
  CompressOptions, CompressResult, DecompressOptions, DecompressResult, FileInfo, Progress,
} from './api';

/** A rich value a notebook cell produced: the extension turns it into a notebook output item. */
export type CellOutput =
  | { kind: 'text'; text: string; stream?: 'stdout' | 'stderr' }
  | { kind: 'table'; title?: string; columns: string[]; rows: (string | number)[][] }
  | { kind: 'report'; title: string; data: unknown }
  | { kind: 'json'; value: unknown };

export interface CellResult {
  /** Outputs not streamed live (the value of the last expression, when not undefined). */
  value?: CellOutput;
}

/** Every operation the kernel offers: its parameters and its result. */
export interface KernelMethods {
  compress: { params: { input: string; options: CompressOptions }; result: CompressResult };
  decompress: { params: { input: string; options: DecompressOptions }; result: DecompressResult };
  inspect: { params: { file: string }; result: FileInfo };
  /** Report data (src/kernel/report/data.ts), passed through as JSON. */
  report: { params: { balerFile: string; originalFile?: string; historyFile?: string }; result: unknown };
  newProject: { params: { root: string; workspace: string; project: string }; result: { config: string } };
  trainProject: { params: { root: string; workspace: string; project: string }; result: { modelFile: string; epochs: number; finalLoss?: number } };
  /** Runs one notebook cell (JavaScript with `baler` in scope, or `%baler …` lines) with `cwd` as base folder. */
  /** `defaults`: the user's training settings (backend, epochs, …), under each cell's own options. */
  runCell: { params: { code: string; cwd: string; defaults?: Partial<CompressOptions> }; result: CellResult };
  /** For tests: answers after `ms` milliseconds unless cancelled (checks the cancel path without training). */
  sleep: { params: { ms: number }; result: { slept: number } };
  /** For tests: the kernel process exits at once with this code (checks crash recovery). */
  crash: { params: { exitCode: number }; result: never };
}

export type KernelMethod = keyof KernelMethods;
export type ParamsOf<M extends KernelMethod> = KernelMethods[M]['params'];
export type ResultOf<M extends KernelMethod> = KernelMethods[M]['result'];

/** Extension → kernel. */
export type KernelRequest =
  | { type: 'request'; id: number; method: KernelMethod; params: unknown }
  | { type: 'cancel'; id: number };

export interface KernelErrorPayload {
  name: string;
  message: string;
  /** The file a BalerError names. */
  file?: string;
  code?: string;
  cancelled: boolean;
  stack?: string;
}

/** Kernel → extension. */
export type KernelEvent =
  | { type: 'ready'; pid: number; version: string }
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'log'; id: number; line: string }
  | { type: 'output'; id: number; output: CellOutput }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: KernelErrorPayload };

export function isKernelEvent(value: unknown): value is KernelEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

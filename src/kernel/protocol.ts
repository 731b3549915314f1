// Typed messages between the VS Code extension and the kernel process (dist/kernel.js, forked with an IPC
// channel). The extension sends requests and cancels; the kernel answers each request with any number of
// progress/log/output events and exactly one result or error. No vscode import here: both sides use it.
import type {
  BackendName, CompressOptions, CompressResult, DecompressOptions, DecompressResult, FileInfo, Progress,
} from './api';
import type { BackendStatusReport } from './backend-status';
import type { SetInfo, TrainPredictorResult } from './sets';
import type { ProjectPoint, ProjectResults } from './project/results-types';
import type { InfoSection } from './report/info-rows';
import type { ReportData, ReportLoss } from './report/types';
import { BalerError, CancelledError } from './errors';

/** A rich value a notebook cell produced: the extension turns it into a notebook output item. */
export type CellOutput =
  | { kind: 'text'; text: string; stream?: 'stdout' | 'stderr' }
  | { kind: 'table'; title?: string; columns: string[]; rows: (string | number)[][] }
  | { kind: 'info'; title: string; sections: InfoSection[] }
  | { kind: 'report'; title: string; data: ReportData }
  | { kind: 'json'; value: unknown };

export interface CellResult {
  /** Outputs not streamed live (the value of the last expression, when not undefined). */
  value?: CellOutput;
}

/** A project by its names and the folder holding workspaces/. */
export interface ProjectRef {
  root: string;
  workspace: string;
  project: string;
}

export interface TrainProjectResult {
  modelFile: string;
  epochs: number;
  finalLoss?: number;
  loss: ReportLoss;
}

/** Every operation the kernel offers: its parameters and its result. */
export interface KernelMethods {
  compress: { params: { input: string; options: CompressOptions }; result: CompressResult };
  decompress: { params: { input: string; options: DecompressOptions }; result: DecompressResult };
  /** Compresses several files against one shared model file, trained on them first when it does not exist. */
  compressSet: {
    params: { inputs: string[]; options: CompressOptions & { modelFile: string; trainSeconds?: number } };
    result: { results: CompressResult[]; set: SetInfo; trained?: TrainPredictorResult };
  };
  inspect: { params: { file: string }; result: FileInfo };
  report: { params: { balerFile: string; originalFile?: string; historyFile?: string }; result: ReportData };
  newProject: { params: ProjectRef; result: { config: string } };
  trainProject: { params: ProjectRef; result: TrainProjectResult };
  /** Compresses the project's data into output/compressed_output, records its trade-off point, caches its report. */
  compressProject: { params: ProjectRef; result: { result: CompressResult; point: ProjectPoint } };
  decompressProject: { params: ProjectRef; result: DecompressResult };
  plotProject: { params: ProjectRef; result: { file: string } };
  /** Compresses with the config's current settings into output/runs/ and adds the point to the trade-off. */
  runProjectSettings: { params: ProjectRef; result: ProjectPoint };
  projectResults: { params: ProjectRef; result: ProjectResults };
  /** Which backends are installed and what `preference` resolves to. */
  backends: { params: { preference: BackendName }; result: BackendStatusReport };
  /**
   * Runs one notebook cell (JavaScript with `baler` in scope, or `%baler …` lines) with `cwd` as base folder.
   * `session` (the notebook) keeps the cell's top-level variables for the next cells; `defaults`: the user's
   * training settings (backend, epochs, …), under each cell's own options.
   */
  runCell: { params: { code: string; cwd: string; session: string; defaults?: Partial<CompressOptions> }; result: CellResult };
  /** Forgets a notebook's variables (the kernel restarted for that notebook). */
  resetSession: { params: { session: string }; result: { reset: boolean } };
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
  /** The CLI's one line (without the file): the fact, then the CLI's advice. */
  message: string;
  /** A BalerError's fact and its advice apart: the extension shows `editorAdvice` after the fact where given. */
  fact?: string;
  advice?: string;
  editorAdvice?: string;
  /** The file a BalerError names. */
  file?: string;
  code?: string;
  cancelled: boolean;
  stack?: string;
}

/** An error as the kernel process sends it: a BalerError with its parts, other errors with their stack. */
export function errorPayload(err: unknown): KernelErrorPayload {
  if (err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError')) {
    return { name: 'CancelledError', message: 'cancelled', cancelled: true };
  }
  if (err instanceof BalerError) {
    const advice = err.advice ? { advice: err.advice.cli, ...(err.advice.editor ? { editorAdvice: err.advice.editor } : {}) } : {};
    return { name: err.name, message: err.message, fact: err.fact, ...advice, file: err.file, code: err.code, cancelled: false };
  }
  if (err instanceof Error) {
    return { name: err.name, message: err.message, cancelled: false, stack: err.stack };
  }
  return { name: 'Error', message: String(err), cancelled: false };
}

/** Kernel → extension. The channel uses structured clone ('advanced' serialization): Infinity and NaN survive. */
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

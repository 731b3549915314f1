// The CLI's progress output: a bar on a terminal (training epochs, and any step that says how far it is), plain
// lines otherwise: one when a step starts, then one every few seconds with how far it is.
import type * as CliProgress from 'cli-progress';
import type { Hooks, Progress } from '../kernel/api';

/** Off a terminal, a step's progress is written at most this often (a log file must not fill with it). */
const LINE_INTERVAL_MS = 3000;

type Step = Exclude<Progress, { phase: 'train' }>;

/** Progress hooks for the terminal: a bar on a TTY, a line every few seconds otherwise. */
export function terminalHooks(signal: AbortSignal, quiet = false): Hooks & { stop(): void } {
  const tty = process.stderr.isTTY === true;
  let bar: CliProgress.SingleBar | undefined;
  /** What the bar shows (a step's phase and message, or training): a new one starts a new bar. */
  let barKey = '';
  let lastLine = 0;
  let lastStep = '';

  const stop = () => {
    bar?.stop();
    bar = undefined;
    barKey = '';
  };
  const barFor = (key: string, total: number, format: string, payload: Record<string, string>): CliProgress.SingleBar => {
    if (bar && barKey === key) return bar;
    stop();
    // Required here, not at the top: cli-progress brings readline, ~10 ms of every command's start.
    const cliProgress = require('cli-progress') as typeof CliProgress;
    bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, payload);
    barKey = key;
    return bar;
  };
  const line = (text: string) => {
    stop();
    lastLine = Date.now();
    process.stderr.write(`${text}\n`);
  };

  const onTrain = (p: Extract<Progress, { phase: 'train' }>) => {
    const eta = `${Math.round(p.etaSeconds)}s`;
    if (tty) {
      const b = barFor('train', p.epochs, 'training |{bar}| epoch {value}/{total}  loss {loss}  lr {lr}  ETA {etaText}', { loss: '-', lr: '-', etaText: '-' });
      b.setTotal(p.epochs);
      b.update(Math.round(p.epoch * 100) / 100, { loss: p.loss.toExponential(3), lr: p.learningRate.toExponential(1), etaText: eta });
    } else if (Date.now() - lastLine > LINE_INTERVAL_MS || p.epoch === p.epochs) {
      // Progress within an epoch is fractional: 2.28, not 2.2800000000000002.
      const epoch = Number.isInteger(p.epoch) ? String(p.epoch) : p.epoch.toFixed(2);
      line(`training: epoch ${epoch}/${p.epochs} loss ${p.loss.toExponential(3)} ETA ${eta}`);
    }
  };
  const onStep = (p: Step) => {
    const step = `${p.phase}: ${p.message}`;
    const started = step !== lastStep;
    lastStep = step;
    if (p.fraction === undefined) {
      if (started) line(step);
      return;
    }
    const percent = Math.round(p.fraction * 100);
    if (tty) {
      barFor(step, 100, `${step.replace(/[{}]/g, '')} |{bar}| {percentage}%  ETA {eta_formatted}`, {}).update(percent);
    } else if (started || Date.now() - lastLine > LINE_INTERVAL_MS || p.fraction >= 1) {
      line(`${step} (${percent}%)`);
    }
  };

  return {
    signal,
    onProgress: (p) => {
      if (quiet) return;
      if (p.phase === 'train') onTrain(p);
      else onStep(p);
    },
    onLog: (text) => {
      if (!quiet) line(text);
    },
    stop,
  };
}

// The CLI's progress output: a training bar on a terminal, plain lines otherwise.
import type * as CliProgress from 'cli-progress';
import type { Hooks, Progress } from '../kernel/api';

/** Progress hooks for the terminal: a bar on a TTY, a line every few seconds otherwise. */
export function terminalHooks(signal: AbortSignal, quiet = false): Hooks & { stop(): void } {
  const tty = process.stderr.isTTY === true;
  let bar: CliProgress.SingleBar | undefined;
  let lastLine = 0;

  const onTrain = (p: Extract<Progress, { phase: 'train' }>) => {
    const eta = `${Math.round(p.etaSeconds)}s`;
    if (tty) {
      if (!bar) {
        // Required here, not at the top: cli-progress brings readline, ~10 ms of every command's start.
        const cliProgress = require('cli-progress') as typeof CliProgress;
        bar = new cliProgress.SingleBar(
          { format: 'training |{bar}| epoch {value}/{total}  loss {loss}  lr {lr}  ETA {etaText}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic);
        bar.start(p.epochs, 0, { loss: '-', lr: '-', etaText: '-' });
      }
      bar.setTotal(p.epochs);
      bar.update(Math.round(p.epoch * 100) / 100, { loss: p.loss.toExponential(3), lr: p.learningRate.toExponential(1), etaText: eta });
    } else if (Date.now() - lastLine > 3000 || p.epoch === p.epochs) {
      lastLine = Date.now();
      // Progress within an epoch is fractional: 2.28, not 2.2800000000000002.
      const epoch = Number.isInteger(p.epoch) ? String(p.epoch) : p.epoch.toFixed(2);
      process.stderr.write(`training: epoch ${epoch}/${p.epochs} loss ${p.loss.toExponential(3)} ETA ${eta}\n`);
    }
  };
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    signal,
    onProgress: (p) => {
      if (quiet) return;
      if (p.phase === 'train') return onTrain(p);
      stop();
      process.stderr.write(`${p.phase}: ${p.message}\n`);
    },
    onLog: (line) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
    stop,
  };
}

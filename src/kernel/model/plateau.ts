// Early stopping and reduce-learning-rate-on-plateau, decided from one loss value per epoch.
import type { TrainOptions } from '../types';

/** Early stopping (absolute minDelta) and reduce-LR-on-plateau (relative threshold 1e-4, as PyTorch). */
export class PlateauMonitor {
  private bestForStop = Infinity;
  private waitStop = 0;
  private bestForLr = Infinity;
  private waitLr = 0;

  constructor(private readonly opts: TrainOptions) {}

  observe(metric: number, lr: number): { lr: number; stop: boolean } {
    let nextLr = lr;
    const plateau = this.opts.reduceLrOnPlateau;
    if (plateau) {
      if (metric < this.bestForLr * (1 - 1e-4)) {
        this.bestForLr = metric;
        this.waitLr = 0;
      } else if (++this.waitLr > plateau.patience) {
        nextLr = Math.max(plateau.minLr, lr * plateau.factor);
        this.waitLr = 0;
      }
    }
    let stop = false;
    const early = this.opts.earlyStopping;
    if (early) {
      if (metric < this.bestForStop - early.minDelta) {
        this.bestForStop = metric;
        this.waitStop = 0;
      } else if (++this.waitStop > early.patience) {
        stop = true;
      }
    }
    if (!Number.isFinite(metric)) stop = true;
    return { lr: nextLr, stop };
  }
}

// The batch losses of a training epoch, read from the backend in groups rather than one by one.
import { tf } from './tf';

/**
 * The batch losses of an epoch: scalars on the device until settle() reads them all at once (one stack, one
 * read), then summed in float64 in batch order, so the epoch loss is the same on every backend's schedule.
 */
export class BatchLosses {
  private pending: { loss: tf.Scalar; n: number }[] = [];
  private sum = 0;
  seen = 0;

  add(loss: tf.Scalar, n: number): void {
    this.pending.push({ loss, n });
  }

  get mean(): number {
    return this.sum / this.seen;
  }

  async settle(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const stacked = tf.tidy(() => tf.stack(batch.map((b) => b.loss)));
    try {
      const values = await stacked.data();
      batch.forEach((b, i) => {
        this.sum += values[i] * b.n;
        this.seen += b.n;
      });
    } finally {
      stacked.dispose();
      for (const b of batch) b.loss.dispose();
    }
  }

  dispose(): void {
    for (const b of this.pending) b.loss.dispose();
    this.pending = [];
  }
}

// The bisection of a rel bound against a PSNR target: it lands on the largest bound that meets the target,
// within its resolution, in few steps, whatever the starting guess.
import { strict as assert } from 'node:assert';
import { BISECTION_RESOLUTION, initialRelBound, largestMeetingBound, MAX_REL_BOUND } from '../../src/kernel/search/bisect';

describe('search: bisection of the bound', () => {
  /** A coder whose PSNR falls 20 dB per decade of the bound, with a little wobble (as real coders do). */
  const coder = (offset: number) => {
    const tried: number[] = [];
    const trial = async (rel: number) => {
      tried.push(rel);
      return { psnr: offset - 20 * Math.log10(rel) + 0.3 * Math.sin(50 * rel) };
    };
    return { trial, tried };
  };

  it('finds the largest bound meeting the target, within its resolution, in at most 7 trials', async () => {
    for (const [offset, start] of [[6, 0.02], [10, 1e-4], [0, 0.3], [25, 1e-2]]) {
      const { trial, tried } = coder(offset);
      const rel = await largestMeetingBound(trial, 40, start);
      assert.ok(rel !== undefined, `offset ${offset}`);
      assert.ok((await trial(rel)).psnr >= 40, 'it meets the target');
      const exact = 10 ** ((offset - 40) / 20);
      const wobble = 10 ** (0.3 / 20);
      assert.ok(rel <= exact * wobble * 1.001 && rel > exact / (BISECTION_RESOLUTION ** 2 * wobble), `offset ${offset}: ${rel} vs about ${exact}`);
      assert.ok(tried.length <= 8, `${tried.length} trials`);
    }
  });

  it('never tries a bound above the ceiling it is given, and settles on it when the ceiling meets the target', async () => {
    const { trial, tried } = coder(10);
    const rel = await largestMeetingBound(trial, 40, 0.3, () => false, 0.01);
    assert.ok(tried.every((r) => r <= 0.01), `tried ${tried.join(', ')}`);
    assert.equal(rel, 0.01);
  });

  it('stops at the loosest bound allowed, and reports none when nothing meets the target', async () => {
    assert.equal(await largestMeetingBound(async () => ({ psnr: Infinity }), 40, 0.01), MAX_REL_BOUND);
    assert.equal(await largestMeetingBound(async () => ({ psnr: 10 }), 40, 0.01), undefined);
  });

  it('starts near the bound a PSNR needs', () => {
    assert.equal(initialRelBound(40), 0.02);
    assert.ok(initialRelBound(1) <= MAX_REL_BOUND);
  });
});

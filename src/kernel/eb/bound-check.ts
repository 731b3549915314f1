// The encoder's final check, on the values as written in the dtype: it never writes a broken bound (a break throws,
// and the compressor then stores the slab losslessly: parallel/slab-tasks.ts brokeItsBound).
import { CAST_FLOAT32, CAST_OTHER } from './dtype';
import type { EbGlobals } from './codec';
import type { Plan } from './plan';
import { Quantizer } from './quantizer';
import type { GridView } from './traversal';

export function checkBound(values: Float64Array, output: Float64Array, plan: Plan, g: EbGlobals): void {
  const q = new Quantizer(plan.type, plan.base.domain, plan.base.pointwiseBound);
  const pointwise = plan.base.domain === 'pointwise';
  plan.layout.views.forEach((view, v) => {
    const tolerance = plan.base.tolerances[v];
    // The common case first: a finite value within a bound > 0, already in its float dtype.
    const quick = !pointwise && tolerance > 0 && q.cast !== CAST_OTHER;
    const float32 = q.cast === CAST_FLOAT32;
    // Where the quick test holds on every value of the view, in a loop of its own; else value by value below.
    if (quick && tolerance < Infinity && viewWithin(values, output, view, tolerance, float32)) return;
    const [n0, n1, n2] = view.dims;
    const [s0, s1, s2] = view.strides;
    for (let a = 0; a < n0; a++)
      for (let b = 0; b < n1; b++)
        for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
          const x = values[i];
          const y = output[i];
          if (quick && Math.abs(y - x) <= tolerance && x - x === 0 && (!float32 || Math.fround(y) === y)) continue;
          const exact = q.same(y, x) || (x !== x && y !== y);
          const allowed = pointwise ? g.bound.value * Math.abs(x) : tolerance;
          const ok = exact || (x - x === 0 && allowed > 0 && Math.abs(y - x) <= allowed && q.castOf(y) === y);
          if (!ok) throw new Error(`error-bounded encoder broke its bound at value ${i}: ${x} became ${y} (internal error)`);
        }
  });
}

/**
 * Whether every value of the view is within the finite `tolerance` of its original and (with `float32`) a float32:
 * the quick test, since within a finite tolerance both are finite.
 */
function viewWithin(values: Float64Array, output: Float64Array, view: GridView, tolerance: number, float32: boolean): boolean {
  const [n0, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
        const y = output[i];
        if (!(Math.abs(y - values[i]) <= tolerance) || (float32 && Math.fround(y) !== y)) return false;
      }
  return true;
}

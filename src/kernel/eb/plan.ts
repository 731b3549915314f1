// The coding plan of a slab under one layout: the domain (absolute, or pw-rel's log domain), and per view
// its tolerance, its grid (grid.ts) and what its quantisation steps derive from. The encoder decides the
// grids and the step shrink from the values; the decoder rebuilds the same plan from the slab's header.

import { ColumnModel, fitColumnModels } from './columns';
import { detLog2 } from './detmath';
import type { EbGlobals } from './codec';
import { ValueType } from './dtype';
import { detectGrid, gridFits, gridPays, gridUnits, integerValued } from './grid';
import { Layout, layoutOf, LayoutName, viewTolerances } from './layout';
import type { PassInput } from './pass';
import { Quantizer } from './quantizer';
import { maskRowsOf, maskRowsPay } from './mask-rows';
import type { GridView } from './traversal';
import type { ValueFacts } from './value-facts';

export type PlanBase = Omit<PassInput, 'size' | 'layout' | 'configuration' | 'model'>;

export interface Plan {
  type: ValueType;
  layout: Layout;
  /** The real-valued steps derive from τ·(1 − 2^−stepShrink). */
  stepShrink: number;
  base: PlanBase;
}

/** The step shrink of slabs whose steps need none (every view on a grid, pw-rel): any valid value, fixed. */
export const NO_SHRINK = 20;

/** |2^(y'−y) − 1| plus the cast's roundoff u stays within X when |y' − y| ≤ log2((1 + X) / (1 + u)); a hair less. */
function pointwiseLogTolerance(x: number, roundoff: number): number {
  const ratio = (1 + x) / (1 + roundoff);
  return ratio > 1 ? detLog2(ratio) * (1 - 1e-9) : 0;
}

/**
 * The plan for these grids (one per view) and step shrink. Under pw-rel, grids of 0 mean the log domain
 * and grids of 1 the lossless integer path (chosen where the bound is below one unit everywhere).
 */
export function planFrom(
  g: EbGlobals, layout: Layout, type: ValueType, grids: number[], stepShrink: number, specials: boolean, columnModels?: ColumnModel[],
): Plan {
  const views = layout.views.length;
  if (g.bound.kind === 'pw-rel' && grids.every((x) => x === 0)) {
    const logTolerance = pointwiseLogTolerance(g.bound.value, type.roundoff);
    return {
      type, layout, stepShrink,
      base: { type, domain: 'pointwise', grids, pointwiseBound: g.bound.value, tolerances: Array(views).fill(0), stepTolerances: Array(views).fill(logTolerance), specials, checked: true },
    };
  }
  const tolerances = g.bound.kind === 'pw-rel' ? Array(views).fill(0) : viewTolerances(layout, g.tolerances);
  const stepTolerances = tolerances.map((t, v) => (grids[v] !== 0 ? gridUnits(grids[v], t) : t * (1 - 2 ** -stepShrink)));
  const forbidden = g.missing !== undefined ? { forbidden: g.missing } : {};
  return { type, layout, stepShrink, base: { type, domain: 'absolute', grids, pointwiseBound: 0, tolerances, stepTolerances, columnModels, specials, checked: true, ...forbidden } };
}

/** The encoder's plan of a slab under a layout: the grids and step shrink that suit its values (`facts`: valueFacts of them). */
export function encoderPlan(values: Float64Array, shape: number[], g: EbGlobals, name: LayoutName, type: ValueType, facts: ValueFacts): Plan {
  const layout = layoutOf(shape, name);
  const whole: GridView = { offset: 0, dims: [1, 1, values.length], strides: [0, 0, 1] };
  const { specials } = facts;
  if (g.bound.kind === 'pw-rel') {
    // Lossless anyway where the bound is below one unit everywhere: then the integer path.
    const integer = (type.integer || integerValued(values, whole)) && g.bound.value * facts.maxAbsFinite < 1;
    return planFrom(g, layout, type, layout.views.map(() => (integer ? 1 : 0)), NO_SHRINK, specials);
  }
  const tolerances = viewTolerances(layout, g.tolerances);
  const stepShrink = stepShrinkFor(values, layout, tolerances, type, facts);
  const quantizer = new Quantizer(type, 'absolute');
  const cast = (v: number) => quantizer.castOf(v);
  const grids = layout.views.map((view, v) => {
    if (type.integer) return 1;
    const grid = detectGrid(values, view, cast, type.roundoff);
    const onGrid = g.keepsGrid ? gridFits(grid, tolerances[v]) : gridPays(grid, tolerances[v], tolerances[v] * (1 - 2 ** -stepShrink));
    return onGrid ? grid : 0;
  });
  const columnModels = name === 'table' ? fitColumnModels(values, shape[0], shape[1], tolerances) : undefined;
  const plan = planFrom(g, layout, type, grids, grids.every((x) => x !== 0) ? NO_SHRINK : stepShrink, specials, columnModels);
  if (specials) plan.base.maskRows = maskRowsPay(values, maskRowsOf(layout, values.length));
  plan.base.finiteFloat32 = facts.finiteFloat32;
  return plan;
}

function maxAbsFinite(values: Float64Array, view: GridView): number {
  let max = 0;
  const [n0, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
        const m = Math.abs(values[i]);
        if (m > max && m !== Infinity) max = m;
      }
  return max;
}

/**
 * k such that shrinking the steps' tolerance τ to τ·(1 − 2^−k) leaves room for the cast's roundoff
 * (|x|·u) and for float arithmetic: no escapes caused by the cast. Views where the cast's roundoff
 * is itself comparable to τ are left to the quantiser's acceptance (they escape where they must).
 */
function stepShrinkFor(values: Float64Array, layout: Layout, tolerances: number[], type: ValueType, facts: ValueFacts): number {
  let worst = 1e-6;
  // A layout of one view holds every value: its largest is the slab's.
  const wholeSlab = layout.views.length === 1;
  layout.views.forEach((view, v) => {
    const tau = tolerances[v];
    if (!(tau > 0)) return;
    const r = (((wholeSlab ? facts.maxAbsFinite : maxAbsFinite(values, view)) + tau) * type.roundoff) / tau + 1e-6;
    if (r < 0.25 && r > worst) worst = r;
  });
  return Math.max(1, Math.min(52, Math.floor(-Math.log2(worst))));
}

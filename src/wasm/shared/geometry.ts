// One sweep's geometry, as the driver hands it over (sweep.ts Block): per axis its coordinate list (i32), length and
// stride in the slab, and by position in the list whether the point 3s before exists (u8) and how far right the next
// known points lie (i32 right1, right3; 0: none).

export let list0: usize = 0, list1: usize = 0, list2: usize = 0;
export let n0 = 0, n1 = 0, n2 = 0;
export let stride0 = 0, stride1 = 0, stride2 = 0;
let before30: usize = 0, before31: usize = 0, before32: usize = 0;
let right10: usize = 0, right11: usize = 0, right12: usize = 0;
let right30: usize = 0, right31: usize = 0, right32: usize = 0;

/** Axis e of the next sweep: its list, its stride in the slab and its geometry. */
export function setAxis(e: i32, listAt: usize, length: i32, stride: i32, before3At: usize, right1At: usize, right3At: usize): void {
  if (e === 0) { list0 = listAt; n0 = length; stride0 = stride; before30 = before3At; right10 = right1At; right30 = right3At; }
  else if (e === 1) { list1 = listAt; n1 = length; stride1 = stride; before31 = before3At; right11 = right1At; right31 = right3At; }
  else { list2 = listAt; n2 = length; stride2 = stride; before32 = before3At; right12 = right1At; right32 = right3At; }
}

@inline function listOf(e: i32): usize {
  return e === 0 ? list0 : e === 1 ? list1 : list2;
}
@inline export function coordinate(e: i32, x: i32): i32 {
  return load<i32>(listOf(e) + ((<usize>x) << 2));
}
@inline export function strideOf(e: i32): i32 {
  return e === 0 ? stride0 : e === 1 ? stride1 : stride2;
}
@inline export function hasBefore3(e: i32, x: i32): bool {
  return load<u8>((e === 0 ? before30 : e === 1 ? before31 : before32) + <usize>x) === 1;
}
@inline export function right1Of(e: i32, x: i32): i32 {
  return load<i32>((e === 0 ? right10 : e === 1 ? right11 : right12) + ((<usize>x) << 2));
}
@inline export function right3Of(e: i32, x: i32): i32 {
  return load<i32>((e === 0 ? right30 : e === 1 ? right31 : right32) + ((<usize>x) << 2));
}

/** sweep.ts blockEnd: the end of the run of list e from `from` inside the same block of `edge`. */
export function blockEnd(e: i32, from: i32, edge: i32, n: i32): i32 {
  const limit = (coordinate(e, from) / edge + 1) * edge;
  let to = from + 1;
  while (to < n && coordinate(e, to) < limit) to++;
  return to;
}

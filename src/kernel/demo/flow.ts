// Demo data: a 2-D lattice-Boltzmann simulation (D2Q9, BGK collision) of channel flow past a
// cylinder, recorded as frames of the x-velocity, like the reference tool's CFD example.
import seedrandom from 'seedrandom';
import { BalerError } from '../errors';
import type { Dataset } from '../types';

export interface FlowOptions {
  /** Number of frames recorded (default 60). */
  frames?: number;
  /** Frame height in cells = channel height (default 50). */
  height?: number;
  /** Frame width in cells (default 50); the simulated channel is three times as long. */
  width?: number;
  /** Perturbs the inflow slightly; the same seed gives the same frames (default 1). */
  seed?: number;
  /** Reynolds number of the flow around the obstacle (default 130; coarse grids are capped for stability). */
  reynolds?: number;
  /** Obstacle diameter in cells (default: a sixth of the height, at least 4). */
  obstacle?: number;
}

// D2Q9 lattice: velocities, weights and the opposite direction of each.
const CX = [0, 1, 0, -1, 0, 1, -1, -1, 1];
const CY = [0, 0, 1, 0, -1, 1, 1, -1, -1];
const W = [4 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 36, 1 / 36, 1 / 36, 1 / 36];
const OPPOSITE = [0, 3, 4, 1, 2, 7, 8, 5, 6];

const INFLOW_SPEED = 0.1; // lattice units; Mach ≈ 0.17
const REYNOLDS = 130; // well above the onset of shedding (≈ 47)
/** BGK stays stable while speed / viscosity ≤ about 16 per cell: coarse grids get a lower Reynolds number. */
const MAX_CELL_REYNOLDS = 16;
const STROUHAL = 0.2;

interface Lattice {
  nx: number;
  /** Rows including one solid wall row above and below the fluid. */
  ny: number;
  solid: Uint8Array;
  f: Float64Array;
  next: Float64Array;
  omega: number;
  inflow: Float64Array;
  obstacleX: number;
  diameter: number;
}

export function simulateFlowPastObstacle(opts: FlowOptions = {}): Dataset {
  const frames = opts.frames ?? 60;
  const height = opts.height ?? 50;
  const width = opts.width ?? 50;
  const seed = opts.seed ?? 1;
  for (const [name, v, min] of [['frames', frames, 1], ['height', height, 16], ['width', width, 16]] as const) {
    if (!Number.isInteger(v) || v < min || v > 1024) {
      throw new BalerError(`flow demo: ${name} must be an integer from ${min} to 1024 (got ${v})`);
    }
  }
  const reynolds = opts.reynolds ?? REYNOLDS;
  const diameter = opts.obstacle ?? Math.max(4, Math.round(height / 6));
  if (!(reynolds >= 1 && reynolds <= 1000)) throw new BalerError(`flow demo: reynolds must be from 1 to 1000 (got ${reynolds})`);
  if (!Number.isInteger(diameter) || diameter < 2 || diameter > height / 2) {
    throw new BalerError(`flow demo: obstacle must be an integer from 2 to half the height (got ${diameter})`);
  }
  const random = seedrandom.alea(`baler-flow-${seed}`);
  const lattice = createLattice(height, width, random, reynolds, diameter);

  // Warm up past the transient until the wake sheds, then record about two shedding periods.
  const period = lattice.diameter / (STROUHAL * INFLOW_SPEED);
  const warmupSteps = Math.round(lattice.nx / INFLOW_SPEED + 3 * period);
  const stride = Math.max(1, Math.round((2.2 * period) / frames));
  for (let s = 0; s < warmupSteps; s++) step(lattice);

  const values = new Float64Array(frames * height * width);
  // Like the reference data: the obstacle near the left edge, the wake filling the frame.
  const cropX0 = Math.max(1, lattice.obstacleX - Math.round(0.12 * width));
  for (let t = 0; t < frames; t++) {
    if (t > 0) for (let s = 0; s < stride; s++) step(lattice);
    recordVelocityX(lattice, cropX0, height, width, values.subarray(t * height * width));
  }
  return { kind: 'frames', shape: [frames, height, width], dtype: 'float32', names: [], values };
}

function createLattice(height: number, width: number, random: () => number, targetReynolds: number, diameter: number): Lattice {
  const nx = 3 * width;
  const ny = height + 2;
  const obstacleX = Math.round(nx / 5);
  // Slightly off-centre so that the symmetric wake becomes unstable quickly.
  const obstacleY = 1 + height / 2 + 0.5 + (random() - 0.5) * 0.5;
  const solid = new Uint8Array(nx * ny);
  for (let x = 0; x < nx; x++) {
    solid[x] = 1;
    solid[(ny - 1) * nx + x] = 1;
  }
  const radius = diameter / 2;
  for (let y = 1; y < ny - 1; y++) {
    for (let x = 0; x < nx; x++) {
      const dx = x + 0.5 - obstacleX;
      const dy = y + 0.5 - obstacleY;
      if (dx * dx + dy * dy <= radius * radius) solid[y * nx + x] = 1;
    }
  }
  const reynolds = Math.min(targetReynolds, MAX_CELL_REYNOLDS * diameter);
  const viscosity = (INFLOW_SPEED * diameter) / reynolds;
  const omega = 1 / (3 * viscosity + 0.5);
  const inflow = inflowProfile(height, random);

  const f = new Float64Array(9 * nx * ny);
  const cells = nx * ny;
  for (let y = 1; y < ny - 1; y++) {
    for (let x = 0; x < nx; x++) {
      const i = y * nx + x;
      if (solid[i]) continue;
      // Start from the inflow everywhere, with a small transverse kick behind the obstacle.
      const kick = x > obstacleX && x < obstacleX + 3 * diameter ? 0.01 * INFLOW_SPEED : 0;
      setEquilibrium(f, cells, i, 1, inflow[y], kick);
    }
  }
  return { nx, ny, solid, f, next: new Float64Array(f.length), omega, inflow, obstacleX, diameter };
}

/** Plug flow with a seeded small amplitude change and ripple across the channel. */
function inflowProfile(height: number, random: () => number): Float64Array {
  const amplitude = 1 + 0.02 * (random() - 0.5);
  const rippleAmplitude = 0.01 * random();
  const ripplePhase = 2 * Math.PI * random();
  const profile = new Float64Array(height + 2);
  for (let y = 1; y <= height; y++) {
    const ripple = rippleAmplitude * Math.sin((2 * Math.PI * y) / height + ripplePhase);
    profile[y] = INFLOW_SPEED * (amplitude + ripple);
  }
  return profile;
}

function setEquilibrium(f: Float64Array, cells: number, i: number, rho: number, ux: number, uy: number): void {
  const usq = 1.5 * (ux * ux + uy * uy);
  for (let q = 0; q < 9; q++) {
    const cu = 3 * (CX[q] * ux + CY[q] * uy);
    f[q * cells + i] = W[q] * rho * (1 + cu + 0.5 * cu * cu - usq);
  }
}

/**
 * One pull-stream + collide step. A population arriving from a solid cell is the bounced-back opposite
 * population of the cell itself (half-way bounce-back: no-slip walls and obstacle). The inlet column is held
 * at equilibrium with the inflow profile; the outlet column copies its neighbour (zero gradient).
 */
function step(lat: Lattice): void {
  const { nx, ny, solid, f, next, omega } = lat;
  const n = nx * ny;
  const pulled = new Float64Array(9);
  const offsets = CX.map((cx, q) => cx + CY[q] * nx);
  const bounced = OPPOSITE.map((o) => o * n);
  for (let y = 1; y < ny - 1; y++) {
    for (let x = 1; x < nx - 1; x++) {
      const i = y * nx + x;
      if (solid[i]) continue;
      for (let q = 0; q < 9; q++) {
        const from = i - offsets[q];
        pulled[q] = solid[from] ? f[bounced[q] + i] : f[q * n + from];
      }
      collide(pulled, next, n, i, omega);
    }
    const inlet = y * nx;
    setEquilibrium(next, n, inlet, 1, lat.inflow[y], 0);
    const outlet = inlet + nx - 1;
    for (let q = 0; q < 9; q++) next[q * n + outlet] = next[q * n + outlet - 1];
  }
  lat.f = next;
  lat.next = f;
}

function collide(p: Float64Array, out: Float64Array, n: number, i: number, omega: number): void {
  const f0 = p[0], f1 = p[1], f2 = p[2], f3 = p[3], f4 = p[4], f5 = p[5], f6 = p[6], f7 = p[7], f8 = p[8];
  const rho = f0 + f1 + f2 + f3 + f4 + f5 + f6 + f7 + f8;
  const ux = (f1 - f3 + f5 - f6 - f7 + f8) / rho;
  const uy = (f2 - f4 + f5 + f6 - f7 - f8) / rho;
  const usq = 1.5 * (ux * ux + uy * uy);
  const keep = 1 - omega;
  const w0 = omega * rho * (4 / 9);
  const w1 = omega * rho * (1 / 9);
  const w5 = omega * rho * (1 / 36);
  const ex = 3 * ux, ey = 3 * uy;
  const e5 = ex + ey, e6 = ey - ex;
  out[i] = keep * f0 + w0 * (1 - usq);
  out[n + i] = keep * f1 + w1 * (1 + ex + 0.5 * ex * ex - usq);
  out[2 * n + i] = keep * f2 + w1 * (1 + ey + 0.5 * ey * ey - usq);
  out[3 * n + i] = keep * f3 + w1 * (1 - ex + 0.5 * ex * ex - usq);
  out[4 * n + i] = keep * f4 + w1 * (1 - ey + 0.5 * ey * ey - usq);
  out[5 * n + i] = keep * f5 + w5 * (1 + e5 + 0.5 * e5 * e5 - usq);
  out[6 * n + i] = keep * f6 + w5 * (1 + e6 + 0.5 * e6 * e6 - usq);
  out[7 * n + i] = keep * f7 + w5 * (1 - e5 + 0.5 * e5 * e5 - usq);
  out[8 * n + i] = keep * f8 + w5 * (1 - e6 + 0.5 * e6 * e6 - usq);
}

/** x-velocity of the fluid rows in columns cropX0 … cropX0+width−1, rounded to float32 (0 in solids). */
function recordVelocityX(lat: Lattice, cropX0: number, height: number, width: number, out: Float64Array): void {
  const { nx, solid, f } = lat;
  const n = nx * lat.ny;
  for (let r = 0; r < height; r++) {
    const y = r + 1;
    for (let c = 0; c < width; c++) {
      const i = y * nx + cropX0 + c;
      if (solid[i]) { out[r * width + c] = 0; continue; }
      let rho = 0;
      for (let q = 0; q < 9; q++) rho += f[q * n + i];
      const mx = f[n + i] - f[3 * n + i] + f[5 * n + i] - f[6 * n + i] - f[7 * n + i] + f[8 * n + i];
      out[r * width + c] = Math.fround(mx / rho);
    }
  }
}

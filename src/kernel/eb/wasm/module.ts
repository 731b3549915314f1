// The engine's WebAssembly modules (src/wasm/NAME.ts, AssemblyScript compiled by esbuild.mjs to dist/NAME.wasm):
// found, compiled and instantiated once per thread, and their memory grown as a slab needs. A module that is not
// there or does not load is undefined: the engine then does the same work in JavaScript.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { addressSpaceLimit } from '../../address-limit';

/** The part of Node's WebAssembly API used here (the engine's TypeScript lib, without the DOM's, does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  RuntimeError: new () => Error;
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Where dist/NAME.wasm may be: beside the bundle, or in dist/ when the engine runs from its sources (the tests; this file is src/kernel/eb/wasm/module.ts). */
function moduleFile(name: string): string | undefined {
  return [path.join(__dirname, `${name}.wasm`), path.resolve(__dirname, '../../../../dist', `${name}.wasm`)].find((f) => fs.existsSync(f));
}

const compiled = new Map<string, object | undefined>();
const instances = new Map<string, unknown>();

/**
 * dist/NAME.wasm's exports, instantiated once per thread with `imports`; undefined where it is missing or does not
 * load, and under a virtual memory limit (`ulimit -v`): V8 reserves as much address space as it can get for a
 * module's memory to grow into (1.28 GiB of a 2 GiB limit, measured), which left the heap too little to grow.
 */
export function wasmModule<T>(name: string, imports: object = {}): T | undefined {
  if (!instances.has(name)) {
    let exports: unknown;
    try {
      if (addressSpaceLimit() !== undefined) throw new Error('under a virtual memory limit');
      if (!compiled.has(name)) {
        const file = moduleFile(name);
        compiled.set(name, file ? new wasmApi.Module(fs.readFileSync(file)) : undefined);
      }
      const module = compiled.get(name);
      exports = module ? new wasmApi.Instance(module, imports).exports : undefined;
    } catch {
      exports = undefined;
    }
    instances.set(name, exports);
  }
  return instances.get(name) as T | undefined;
}

/**
 * Lets the garbage collector have a module's instance and its memory (a module's memory never shrinks): the next
 * wasmModule(name) instantiates it anew, from the module compiled once.
 */
export function forgetModule(name: string): void {
  instances.delete(name);
}

/** Grows `memory` to at least `bytes`; false where it cannot (wasm32's 4 GiB, or the machine's memory). */
export function reserve(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/** Hands out aligned byte ranges of a module's memory from `start` on, for one slab's arrays. */
export class MemoryLayout {
  private at: number;

  constructor(start: number) {
    this.at = start;
  }

  take(bytes: number, alignment = 16): number {
    const start = Math.ceil(this.at / alignment) * alignment;
    this.at = start + bytes;
    return start;
  }

  get end(): number {
    return this.at;
  }
}

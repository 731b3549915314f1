// Shared helpers of the integration tests (run inside the real VS Code extension host).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BalerExtensionApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'baler.baler-vscode';

export async function activateExtension(): Promise<BalerExtensionApi> {
  const ext = vscode.extensions.getExtension<BalerExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test host`);
  return ext.activate();
}

/** The workspace folder the harness opened (a fresh temporary folder). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need an open folder');
  return folder.uri.fsPath;
}

export function fixturePath(...parts: string[]): string {
  const dir = path.join(workspaceDir(), 'fixtures');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, ...parts);
}

/** A small smooth table (rows × cols) an autoencoder learns quickly: each column mixes two latent factors. */
export function tableValues(rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const t = r / rows;
    const a = Math.sin(2 * Math.PI * t);
    const b = Math.cos(3 * Math.PI * t);
    out.push(Array.from({ length: cols }, (_, c) => Number((1 + c * 0.5 + a * (c % 3) + b * ((c + 1) % 2)).toFixed(5))));
  }
  return out;
}

export function writeCsv(file: string, rows: number, cols: number): string {
  const header = Array.from({ length: cols }, (_, c) => `col${c}`).join(',');
  const lines = tableValues(rows, cols).map((r) => r.join(','));
  fs.writeFileSync(file, [header, ...lines].join('\n') + '\n');
  return file;
}

/** A .npy of float32 frames (n × h × w), written by hand: magic, header dict, little-endian data. */
export function npyBytes(frames: number, h: number, w: number): Buffer {
  const values = new Float32Array(frames * h * w);
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        values[(f * h + y) * w + x] = Math.sin((x + f) / 3) * Math.cos(y / 4) * 0.5 + 0.5;
      }
    }
  }
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${frames}, ${h}, ${w}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]);
}

/** A .npz (zip, stored) with one member `data.npy`. */
export function writeNpz(file: string, frames: number, h: number, w: number): string {
  const data = npyBytes(frames, h, w);
  const name = Buffer.from('data.npy');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12); end.writeUInt32LE(centralOffset, 16);
  fs.writeFileSync(file, Buffer.concat([local, name, data, central, name, end]));
  return file;
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('baler').update(key, value, vscode.ConfigurationTarget.Global);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

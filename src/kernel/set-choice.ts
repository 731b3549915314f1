// The automatic mode's choice for a whole set of files given one shared model (`compress A B… --model-file`):
// keep the model only when it pays for the set, its bytes counted once. Each file first decides on its own with
// the model offered (its estimate counts the model as free); then the files that chose it are coded again
// without it, those with the largest estimated saving first, until the bytes they save for real exceed the
// model's bytes (it pays: the rest keep it unrecoded) or every one of them is coded both ways (the smaller set
// wins). So the total reported is the total written, and a set where the model cannot pay never references it.
// Every coding goes to a temporary folder beside its output; only the chosen files are moved into place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, CompressResult, Hooks } from './api';
import { throwIfAborted } from './errors';
import { compress } from './compress';
import { readSharedModel } from './learned/store';
import { openBaler } from './decompress';
import { inspect } from './inspect';
import { sectionName } from './codec/header-check';
import { releaseTemporary, trackTemporary } from './fsutil';
import { createOutputFolder, removeCreatedFolder } from './compress/output';

/** What the set did with the shared model it was offered. */
export interface SharedModelChoice {
  fileName: string;
  hash: string;
  /** Bytes of the model file, counted once for the set when it is used. */
  bytes: number;
  /** Whether any written file references it (it paid for the set). */
  used: boolean;
  /** Files of the set that reference it. */
  usedBy: number;
  /** Files that chose it on their own (the model counted as free). */
  chosenBy: number;
  files: number;
  /** Files that chose it coded both ways, with and without the model. */
  codedBothWays: number;
  /** Bytes the model saves, measured on the files coded both ways (a lower bound when some were not). */
  savedBytes: number;
}

/** A shared learned model a .baler references, with what it saved there against the coder alone (estimated). */
export interface SharedUse {
  hash: string;
  bytes: number;
  saved: number;
}

export function sharedUses(file: string): SharedUse[] {
  const f = openBaler(file);
  try {
    const uses: SharedUse[] = [];
    f.header.arrays.forEach((a, k) => {
      if (a.codec.mode !== 'error-bounded' || !a.codec.learned?.shared) return;
      const stored = f.index.sections.filter((s) => s.name === sectionName(k, 'data') || s.name === sectionName(k, 'latents')).reduce((n, s) => n + s.storedBytes, 0);
      uses.push({ hash: a.codec.learned.shared.hash, bytes: a.codec.learned.shared.bytes, saved: a.codec.learned.baselineBytes - stored });
    });
    return uses;
  } finally {
    f.close();
  }
}

/**
 * Compresses a set with the automatic mode into `outputs` (outputsOf, checked by the caller), keeping the
 * shared model `opts.modelFile` (which exists) only where it makes the set smaller. Returns the results in
 * input order and the choice made.
 */
export async function compressChoosingModel(
  inputs: string[], outputs: string[], opts: CompressOptions & { modelFile: string }, hooks?: Hooks,
): Promise<{ results: CompressResult[]; choice: SharedModelChoice }> {
  const { ref } = await readSharedModel(opts.modelFile);
  const createdFolder = createOutputFolder(opts.output);
  const scratch = new Scratch();
  try {
    const withModel: CompressResult[] = [];
    for (const [i, input] of inputs.entries()) {
      throwIfAborted(hooks?.signal);
      hooks?.onLog?.(`compressing ${input}`);
      withModel.push(await compress(input, { ...opts, output: scratch.path(outputs[i], 'with-model'), force: true }, hooks));
    }
    const uses = withModel.map((r) => sharedUses(r.output).filter((u) => u.hash === ref.hash));
    const choosers = inputs.map((_, i) => i).filter((i) => uses[i].length > 0);
    const estimatedSaving = (i: number) => uses[i].reduce((n, u) => n + u.saved, 0);
    choosers.sort((a, b) => estimatedSaving(b) - estimatedSaving(a));
    // Coded without the model, most promising first, until what they save for real pays for it.
    const without = new Map<number, CompressResult>();
    const { modelFile: _, ...alone } = opts;
    const compressWithout = (i: number) => compress(inputs[i], { ...alone, output: scratch.path(outputs[i], 'without-model'), force: true }, hooks);
    let saved = 0;
    for (const i of choosers) {
      if (saved > ref.bytes) break;
      throwIfAborted(hooks?.signal);
      hooks?.onLog?.(`${inputs[i]}: coding it without the shared model too (${saved} of ${ref.bytes} bytes paid so far)`);
      const r = await compressWithout(i);
      without.set(i, r);
      saved += r.info.sizes.file - withModel[i].info.sizes.file;
    }
    const used = saved > ref.bytes;
    // A search (--target) records every point it tried, the model's too, in each file: without the model, the
    // files that did not choose it are coded again as well, so that the set is exactly what it would be without it.
    if (!used && opts.target !== undefined) {
      for (const i of inputs.keys()) {
        if (without.has(i)) continue;
        throwIfAborted(hooks?.signal);
        without.set(i, await compressWithout(i));
      }
    }
    // Kept: each file coded both ways keeps its smaller coding. Not kept: every chooser's coding without it.
    const chosen = withModel.map((r, i) => {
      const alt = without.get(i);
      if (!alt) return r;
      return !used || alt.info.sizes.file <= r.info.sizes.file ? alt : r;
    });
    const results: CompressResult[] = [];
    for (const [i, r] of chosen.entries()) {
      fs.renameSync(r.output, outputs[i]);
      results.push({ output: outputs[i], info: await inspect(outputs[i], { check: false }) });
    }
    const choice: SharedModelChoice = {
      fileName: ref.fileName, hash: ref.hash, bytes: ref.bytes, used, usedBy: results.filter((r) => sharedUses(r.output).some((u) => u.hash === ref.hash)).length,
      chosenBy: choosers.length, files: inputs.length, codedBothWays: choosers.filter((i) => without.has(i)).length, savedBytes: saved,
    };
    hooks?.onLog?.(choiceLog(choice));
    return { results, choice };
  } finally {
    scratch.remove();
    removeCreatedFolder(opts.output, createdFolder);
  }
}

function choiceLog(c: SharedModelChoice): string {
  return c.used
    ? `the shared model ${c.fileName} pays for the set: ${c.usedBy} of ${c.files} files use it`
    : `the shared model ${c.fileName} is not used: it costs ${c.bytes} bytes and saves ${Math.max(0, c.savedBytes)} on the ${c.chosenBy} files that chose it`;
}

/** Temporary folders beside the outputs (one per folder, so a chosen file is moved by a rename), removed at the end. */
class Scratch {
  private readonly dirs = new Map<string, string>();

  path(output: string, variant: string): string {
    const dir = path.dirname(path.resolve(output));
    let tmp = this.dirs.get(dir);
    if (!tmp) {
      tmp = trackTemporary(fs.mkdtempSync(path.join(dir, '.baler-set-')));
      this.dirs.set(dir, tmp);
    }
    // The output's own name: a header stores its source's name after the .baler's stem.
    const folder = path.join(tmp, variant);
    fs.mkdirSync(folder, { recursive: true });
    return path.join(folder, path.basename(output));
  }

  remove(): void {
    for (const dir of this.dirs.values()) {
      fs.rmSync(dir, { recursive: true, force: true });
      releaseTemporary(dir);
    }
  }
}

// Compute packages that are not in the bundle and that the user installs: @tensorflow/tfjs-node,
// @tensorflow/tfjs-node-gpu (native TensorFlow) and webgpu (Dawn). Looked up first in the folder named by
// BALER_TFJS_NODE_PATH (the VS Code setting baler.tfjsNodePath, or the folder "Baler: Install GPU Backend"
// installs into; for the CLI, set it yourself), then in the node_modules around the running code (a source
// checkout, or a CLI installed with npm). A packaged VS Code extension has no node_modules of its own.
//
// A tfjs-node loaded from elsewhere brings its own copy of @tensorflow/tfjs-core; tfjs-core keeps its engine
// and kernel registry in a global, so that copy registers its backend into the engine this bundle uses.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const USER_PACKAGES_ENV = 'BALER_TFJS_NODE_PATH';

export type UserPackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu' | 'webgpu';

export interface LocatedPackage {
  name: UserPackage;
  /** The resolved entry file. */
  entry: string;
  /** The package folder (holding package.json). */
  dir: string;
  version: string;
  /** Where it was found, for messages: "BALER_TFJS_NODE_PATH=/x" or "node_modules". */
  from: string;
}

export type Lookup = { found: LocatedPackage } | { missing: string };

/** The configured folder, if any (an empty value means none). */
export function userPackagesDir(): string | undefined {
  const dir = process.env[USER_PACKAGES_ENV]?.trim();
  return dir ? path.resolve(dir) : undefined;
}

/** Finds a package: in the configured folder first, else beside the running code. */
export function locatePackage(name: UserPackage): Lookup {
  const dir = userPackagesDir();
  if (dir) {
    if (!fs.existsSync(dir)) return { missing: `${USER_PACKAGES_ENV}=${dir}: no such folder` };
    const found = resolveFrom(name, path.join(dir, 'package.json'), `${USER_PACKAGES_ENV}=${dir}`);
    if (found) return { found };
  }
  const found = resolveFrom(name, __filename, 'node_modules');
  if (found) return { found };
  return { missing: dir ? `${name} is not installed in ${path.join(dir, 'node_modules')} (${USER_PACKAGES_ENV}) nor beside Baler` : `${name} is not installed` };
}

function resolveFrom(name: UserPackage, fromFile: string, from: string): LocatedPackage | undefined {
  const req = createRequire(fromFile);
  let manifest: string;
  try {
    manifest = req.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const dir = path.dirname(manifest);
  let entry: string;
  try {
    entry = req.resolve(name);
  } catch {
    // An ES module without a "require" export (webgpu): its "main" is the entry.
    const pkg = readManifest(manifest);
    entry = path.join(dir, typeof pkg.main === 'string' ? pkg.main : 'index.js');
  }
  return { name, entry, dir, version: String(readManifest(manifest).version ?? '?'), from };
}

function readManifest(file: string): { version?: unknown; main?: unknown } {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** require() of a located CommonJS package (tfjs-node). Throws what the package throws. */
export function requirePackage(pkg: LocatedPackage): unknown {
  return createRequire(pkg.entry)(pkg.entry);
}

/** import() of a located ES module package (webgpu; a non-literal import() stays an import() in the bundle). */
export function importPackage(pkg: LocatedPackage): Promise<unknown> {
  return import(pathToFileURL(pkg.entry).href);
}

/** "name version (from)" for messages. */
export function describePackage(pkg: LocatedPackage): string {
  return `${pkg.name} ${pkg.version} from ${pkg.from === 'node_modules' ? pkg.dir : pkg.from}`;
}

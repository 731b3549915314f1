// The part of jsroot's I/O API that root.ts uses (jsroot ships types for its main entry only).
declare module 'jsroot/io' {
  export interface RootKey { fName: string; fClassName: string; fCycle: number }
  export interface RootFile {
    fKeys: RootKey[];
    readObject(name: string): Promise<any>;
  }
  export function openFile(file: string): Promise<RootFile>;
}
declare module 'jsroot/tree' {
  export class TSelector {
    tgtobj: Record<string, any>;
    addBranch(branch: string | object, name?: string, direct?: boolean): number;
    Process(entry: number): void;
    Terminate(res: boolean): void;
    Abort(): void;
  }
  export function treeProcess(tree: any, selector: TSelector, args?: { firstentry?: number; numentries?: number }): Promise<TSelector>;
}
declare module 'jsroot/rntuple' {
  import type { TSelector } from 'jsroot/tree';
  export function readHeaderFooter(tuple: any): Promise<any>;
  export function rntupleProcess(tuple: any, selector: TSelector, args?: { firstentry?: number; numentries?: number }): Promise<TSelector>;
}

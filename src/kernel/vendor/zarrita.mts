// Vendor entry: zarrita and its file-system store (with numcodecs' codecs, ~1.5 MB). Loaded with import() on the
// first Zarr store; bundled alone as dist/vendor/zarrita.js (README.md in this folder).
import FileSystemStore from '@zarrita/storage/fs';

export * as zarr from 'zarrita';
export { FileSystemStore };

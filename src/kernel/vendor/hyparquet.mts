// Vendor entry: hyparquet (reads Parquet), hyparquet-writer, and hyparquet-compressors' decoders of the codecs
// hyparquet leaves to its caller (ZSTD, LZ4). Loaded with import() on the first Parquet file;
// bundled alone as dist/vendor/hyparquet.js (README.md in this folder).
export * as hyparquet from 'hyparquet';
export * as parquetWriter from 'hyparquet-writer';
export { decompressLz4, decompressLz4Raw, decompressZstd } from 'hyparquet-compressors';

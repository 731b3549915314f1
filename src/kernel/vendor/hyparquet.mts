// Vendor entry: hyparquet (reads Parquet) and hyparquet-writer. Loaded with import() on the first Parquet file;
// bundled alone as dist/vendor/hyparquet.js (README.md in this folder).
export * as hyparquet from 'hyparquet';
export * as parquetWriter from 'hyparquet-writer';

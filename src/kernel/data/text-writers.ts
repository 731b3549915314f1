// The formats whose writers put a table's text columns back in place (text-columns.ts); apart, so that the views
// (webviews included) can say so without the readers' Node-only code.

export const TEXT_WRITERS = ['csv', 'parquet'];

/** Where text columns are written back, for messages: '.csv and .parquet'. */
export const TEXT_WRITTEN_TO = TEXT_WRITERS.map((f) => `.${f}`).join(' and ');

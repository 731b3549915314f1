// Where an .npz keeps column names: the reference layout's `data` array has its names in `names`; any other
// array KEY has them in `KEY.names`. Read and written by npz-file.ts.

/** The key of the array whose column names are in the bare `names` member (the reference layout). */
const REFERENCE_KEY = 'data';
const NAMES = 'names';

/** Whether a member holds column names rather than an array. */
export function isNamesKey(key: string): boolean {
  return key === NAMES || key.endsWith(`.${NAMES}`);
}

/** The member an array's column names are written to. */
export function namesKeyOf(key: string): string {
  return key === REFERENCE_KEY ? NAMES : `${key}.${NAMES}`;
}

/**
 * The array the bare `names` member belongs to, of the file's array keys (names members left out): `data`, else
 * the only array (np.savez(f, table, names=…) keys it arr_0); none beside several arrays without `data`.
 */
export function bareNamesOwner(arrayKeys: string[]): string | undefined {
  if (arrayKeys.includes(REFERENCE_KEY)) return REFERENCE_KEY;
  return arrayKeys.length === 1 ? arrayKeys[0] : undefined;
}

/** The column names read for an array: those of `KEY.names`, else of `names` when it owns them. */
export function namesFor(key: string, owner: string | undefined, names: Map<string, string[]>): string[] | undefined {
  return names.get(`${key}.${NAMES}`) ?? (key === owner ? names.get(NAMES) : undefined);
}

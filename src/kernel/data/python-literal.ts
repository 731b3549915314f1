// The subset of Python literals numpy writes in .npy headers (dict, tuple, list, str, int, bool, None).

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export function isRecord(v: unknown): v is Record<string, PyValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the subset of Python literals numpy writes in headers: dict, tuple, list, str, int, bool, None. */
export function parsePythonLiteral(text: string): PyValue {
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos}`);
  };
  const parseSequence = (close: string, item: () => void): void => {
    pos++;
    for (;;) {
      skipSpace();
      if (text[pos] === close) { pos++; return; }
      item();
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
    }
  };
  const parseValue = (): PyValue => {
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      const dict: Record<string, PyValue> = {};
      parseSequence('}', () => {
        const key = parseValue();
        skipSpace();
        if (text[pos++] !== ':') fail("expected ':'");
        dict[String(key)] = parseValue();
      });
      return dict;
    }
    if (c === '(' || c === '[') {
      const items: PyValue[] = [];
      parseSequence(c === '(' ? ')' : ']', () => items.push(parseValue()));
      return items;
    }
    if (c === "'" || c === '"') return parseString(c);
    const word = /^(True|False|None|[+-]?\d+L?)/.exec(text.slice(pos, pos + 32));
    if (!word) return fail('unexpected text');
    pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  };
  const parseString = (quote: string): string => {
    let out = '';
    for (pos++; pos < text.length && text[pos] !== quote; pos++) {
      if (text[pos] === '\\') pos++;
      out += text[pos];
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return out;
  };
  const value = parseValue();
  skipSpace();
  if (pos !== text.length) fail('unexpected text after the dictionary');
  return value;
}

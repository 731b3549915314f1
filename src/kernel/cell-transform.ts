// Rewrites a notebook cell so that its top-level declarations outlive it, as a kernel's variables do:
// `const r = …` in one cell, `r.output` in the next. The cell runs inside `with (scope) { … }` where `scope`
// is the notebook's object of variables; top-level const/let/var become assignments to names put in that
// object beforehand, classes become assignments, functions are copied into it after their declaration (they
// stay hoisted within the cell). The last expression becomes the cell's value. `%baler …` lines become calls.
// Parsed with acorn, so strings, comments and nested code are never mistaken for declarations.
import { parse, type Node, type Pattern, type Program, type Statement } from 'acorn';
import { BalerError } from './errors';

export interface TransformedCell {
  /** The body to run inside `with (scope) { … }` in an async function; its line N is the cell's line N. */
  body: string;
  /** Names the cell declares at top level (put into the scope before it runs). */
  declared: string[];
}

const BALER_LINE = /^\s*%baler\b(.*)$/;

/** `%baler compress x.npz` → `await baler.display(await baler.cli("compress x.npz"));` (same line). */
export function rewriteBalerLines(code: string): string {
  return code.replace(/\r\n/g, '\n').split('\n').map((line) => {
    const m = BALER_LINE.exec(line);
    return m ? `await baler.display(await baler.cli(${JSON.stringify(m[1].trim())}));` : line;
  }).join('\n');
}

export function transformCell(code: string): TransformedCell {
  const source = rewriteBalerLines(code);
  let program: Program;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, locations: true });
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number; column: number } };
    const where = e.loc ? ` (line ${e.loc.line}, column ${e.loc.column + 1})` : '';
    throw new BalerError(`syntax error in cell${where}: ${e.message.replace(/\s*\(\d+:\d+\)$/, '')}`);
  }
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const declared = new Set<string>();
  const text = (n: Node) => source.slice(n.start, n.end);
  const statements = program.body as Statement[];
  statements.forEach((statement, i) => {
    const last = i === statements.length - 1;
    switch (statement.type) {
      case 'VariableDeclaration': {
        const parts = statement.declarations.map((d) => {
          for (const name of patternNames(d.id)) declared.add(name);
          return `${text(d.id)} = ${d.init ? text(d.init) : 'undefined'}`;
        });
        edits.push({ start: statement.start, end: statement.end, text: `;(${parts.join(', ')});` });
        break;
      }
      case 'FunctionDeclaration':
        if (statement.id) {
          declared.add(statement.id.name);
          edits.push({ start: statement.end, end: statement.end, text: `;__scope[${JSON.stringify(statement.id.name)}] = ${statement.id.name};` });
        }
        break;
      case 'ClassDeclaration':
        if (statement.id) {
          declared.add(statement.id.name);
          edits.push({ start: statement.start, end: statement.end, text: `;${statement.id.name} = ${text(statement)};` });
        }
        break;
      case 'ExpressionStatement':
        if (last) edits.push({ start: statement.start, end: statement.end, text: `return (${text(statement.expression)});` });
        break;
      default:
        break;
    }
  });
  let body = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, e.start) + e.text + body.slice(e.end);
  return { body, declared: [...declared] };
}

/** The identifiers a declaration binds: `a`, `{ a, b: [c, ...d] }`, `[x = 1]`. */
function patternNames(p: Pattern): string[] {
  switch (p.type) {
    case 'Identifier': return [p.name];
    case 'ObjectPattern': return p.properties.flatMap((prop) => (prop.type === 'RestElement' ? patternNames(prop.argument) : patternNames(prop.value)));
    case 'ArrayPattern': return p.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'RestElement': return patternNames(p.argument);
    case 'AssignmentPattern': return patternNames(p.left);
    default: return [];
  }
}

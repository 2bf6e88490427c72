/**
 * GBNF text surgery for composing one grammar out of several: llama.cpp's grammar format
 * (github:ggml-org/llama.cpp grammars/README.md) is `name ::= body` rules, where bodies hold rule
 * references, "quoted" literals, [character classes], groups and repetitions. node-llama-cpp's JSON
 * schema grammars all name their start rule `root`; to place several of them in one grammar each
 * gets its rules renamed under its own prefix.
 */

/** A GBNF string literal matching `text` exactly. */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

const RULE_LINE = /^([a-zA-Z0-9-]+)\s*::=\s*(.*)$/;
const NAME_CHAR = /[a-zA-Z0-9-]/;

/** Splits a grammar into rules (name -> body); continuation lines join the rule above. */
export function parseRules(grammar: string): Map<string, string> {
  const rules = new Map<string, string>();
  let current: string | undefined;
  for (const line of grammar.split("\n")) {
    const m = RULE_LINE.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      current = m[1];
      rules.set(current, m[2]);
    } else if (current !== undefined && line.trim() !== "" && !line.trimStart().startsWith("#")) {
      rules.set(current, `${rules.get(current)} ${line.trim()}`);
    }
  }
  return rules;
}

/** `body` with every reference to a rule in `names` passed through `rename`; literals and classes untouched. */
export function renameReferences(
  body: string,
  names: ReadonlySet<string>,
  rename: (n: string) => string,
): string {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const ch = body[i] as string;
    if (ch === '"' || ch === "[") {
      // Copy a literal or a character class whole, honouring backslash escapes.
      const close = ch === '"' ? '"' : "]";
      let j = i + 1;
      while (j < body.length && body[j] !== close) j += body[j] === "\\" ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j + 1;
    } else if (NAME_CHAR.test(ch)) {
      let j = i;
      while (j < body.length && NAME_CHAR.test(body[j] as string)) j++;
      const word = body.slice(i, j);
      out += names.has(word) ? rename(word) : word;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * One JSON-schema grammar re-rooted as rule `<prefix>root` with all its rules renamed under `prefix`.
 * node-llama-cpp ends a JSON grammar's root with blank lines ("\n\n\n\n" [\n]*) that it uses as a stop
 * trigger; inside a tool call the call's own suffix follows instead, so that tail is dropped.
 */
export function embedGrammar(grammar: string, prefix: string): string {
  const rules = parseRules(grammar);
  const names = new Set(rules.keys());
  const lines: string[] = [];
  for (const [name, body] of rules) {
    let b = renameReferences(body, names, (n) => `${prefix}${n}`);
    if (name === "root") b = b.replace(/\s*"(?:\\n)+"\s*\[\\n\]\*\s*$/, "");
    lines.push(`${prefix}${name} ::= ${b}`);
  }
  return lines.join("\n");
}

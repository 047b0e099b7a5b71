// textmate.test.js - the VS Code extension's TextMate grammar (editors/vscode/syntaxes) against
// grammar/vid.ebnf, which is normative: every .vid file of the repository is cut into tokens
// by a small lexer written from the EBNF (below), tokenized with the grammar through
// vscode-textmate + vscode-oniguruma (VS Code's own engine), and each token must carry its
// scope: comments "comment", strings (both kinds, escapes included) "string", numbers
// "constant.numeric" with their unit "keyword.other.unit", colours "constant.other.color", and
// a statement's name that is a keyword a keyword's scope (never "invalid"). The keywords are the
// EBNF's own ("const") and the statement names of the checker's tables (compiler/check.c
// top_stmts, compiler/layer.c kinds), read from the sources so a new statement cannot be
// forgotten here. A file stops being checked at its first lexical error (the fuzz corpus and
// tests/diag hold broken files on purpose); at least 100 files must be checked whole.
//   node tests/editors/textmate.test.js REPO     (tests/sh/editors.sh runs it)
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const repo = path.resolve(process.argv[2] || path.join(__dirname, "..", ".."));
const read = (p) => fs.readFileSync(path.join(repo, p), "utf8");

// ---- what the EBNF and the checker say -----------------------------------------------------

const ebnf = read("grammar/vid.ebnf");
const unitRule = /unit\s*=\s*([^;]*);/.exec(ebnf);
if (!unitRule) throw new Error("grammar/vid.ebnf: no unit rule");
const units = [...unitRule[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort((a, b) => b.length - a.length);
// the EBNF's quoted words that are identifiers: its keywords
const ebnfKeywords = [...ebnf.replace(/\(\*[\s\S]*?\*\)/g, "").matchAll(/"([A-Za-z_][A-Za-z_0-9]*)"/g)]
  .map((m) => m[1])
  .filter((w) => w.length > 1 && !units.includes(w)); // not the letters of `letter`
function cTable(file, re) {
  const m = re.exec(read(file));
  if (!m) throw new Error(`${file}: the table this test reads is gone (${re})`);
  return m[1];
}
const topStmts = [...cTable("compiler/check.c", /top_stmts\[\]\s*=\s*\{([^}]*)\}/).matchAll(/"(\w+)"/g)].map((m) => m[1]);
const layerKinds = [...cTable("compiler/layer.c", /\}\s*kinds\[\]\s*=\s*\{([\s\S]*?)\n\};/).matchAll(/\{"(\w+)"/g)].map((m) => m[1]);
const keywords = new Set([...ebnfKeywords, ...topStmts, ...layerKinds]);
if (!keywords.has("const") || !keywords.has("scene") || !keywords.has("text"))
  throw new Error(`keywords not read: ${[...keywords]}`);

// ---- a lexer written from the EBNF ----------------------------------------------------------

const isIdStart = (c) => /[A-Za-z_]/.test(c);
const isId = (c) => /[A-Za-z_0-9]/.test(c);
const isDigit = (c) => c >= "0" && c <= "9";
const isHex = (c) => /[0-9A-Fa-f]/.test(c);

// Tokens as {kind, start, end, head} over the file's text (offsets); error set at the first
// lexical error (the tokens before it are kept).
function lex(src) {
  const toks = [];
  let i = src.startsWith("\ufeff") ? 1 : 0;
  let start = true; // at a statement's start
  let paren = 0;
  const push = (kind, s, extra) => toks.push(Object.assign({ kind, start: s, end: i }, extra || {}));
  while (i < src.length) {
    const c = src[i], s = i;
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (c === "\n") { i++; if (paren === 0) start = true; continue; }
    if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") i++;
      push("comment", s);
      continue;
    }
    if (src.startsWith("/*", i)) {
      const e = src.indexOf("*/", i + 2);
      if (e < 0) return { toks, error: `unterminated comment at ${s}` };
      i = e + 2;
      push("comment", s);
      continue;
    }
    if (src.startsWith('"""', i)) {
      const e = src.indexOf('"""', i + 3);
      if (e < 0) return { toks, error: `unterminated """ at ${s}` };
      i = e + 3;
      push("string", s);
      start = false;
      continue;
    }
    if (c === '"') {
      i++;
      for (;;) {
        if (i >= src.length || src[i] === "\n" || src[i] === "\r") return { toks, error: `unterminated string at ${s}` };
        if (src[i] === '"') { i++; break; }
        if (src[i] === "\\") {
          const m = /^\\(?:[nt"\\{]|u\{[0-9A-Fa-f]+\})/.exec(src.slice(i, i + 16));
          if (!m) return { toks, error: `bad escape at ${i}` };
          i += m[0].length;
          continue;
        }
        i++;
      }
      push("string", s);
      start = false;
      continue;
    }
    if (c === "#") {
      i++;
      while (i < src.length && isHex(src[i])) i++;
      const n = i - s - 1;
      if (![3, 4, 6, 8].includes(n) || (i < src.length && isId(src[i]))) return { toks, error: `bad colour at ${s}` };
      push("colour", s);
      start = false;
      continue;
    }
    const prev = s > 0 ? src[s - 1] : " ";
    // the EBNF's note on "-": also after "*" and after a "/" that ends no block comment
    const negOk = " \t\n\r(,{=;:>*".includes(prev) || (prev === "/" && (s < 2 || src[s - 2] !== "*"));
    const digitAt = (k) => isDigit(src[k] || "") || (src[k] === "." && isDigit(src[k + 1] || ""));
    if (digitAt(i) || (c === "-" && negOk && digitAt(i + 1))) {
      if (c === "-") i++;
      while (i < src.length && isDigit(src[i])) i++;
      if (src[i] === "." && isDigit(src[i + 1] || "")) { i++; while (i < src.length && isDigit(src[i])) i++; }
      const numEnd = i;
      const unit = units.find((u) => src.startsWith(u, i) && !isId(src[i + u.length] || ""));
      if (unit) i += unit.length;
      if (i < src.length && (isId(src[i]) || src[i] === "%")) return { toks, error: `unknown unit at ${s}` };
      push("number", s, { numEnd });
      start = false;
      continue;
    }
    if (isIdStart(c)) {
      while (i < src.length && isId(src[i])) i++;
      push("ident", s, { head: start });
      start = false;
      continue;
    }
    if (src.startsWith("->", i)) { i += 2; push("punct", s); start = false; continue; }
    if ("{};".includes(c)) { i++; push("punct", s); start = c !== "}"; continue; }
    if (c === "(") { paren++; i++; push("punct", s); continue; }
    if (c === ")") { paren = Math.max(0, paren - 1); i++; push("punct", s); continue; }
    if (",=:+-*/".includes(c)) { i++; push("punct", s); continue; }
    return { toks, error: `unexpected character ${JSON.stringify(c)} at ${s}` };
  }
  return { toks, error: null };
}

// ---- the grammar's scopes -------------------------------------------------------------------

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.vid"
        ? vsctm.parseRawGrammar(read("editors/vscode/syntaxes/vid.tmLanguage.json"), "vid.tmLanguage.json")
        : null,
  });
  return registry.loadGrammar("source.vid");
}

// The scopes of every character of src (an array per offset; newlines get []).
function scopesOf(grammar, src) {
  const out = new Array(src.length).fill(null).map(() => []);
  let stack = vsctm.INITIAL, off = 0;
  for (const line of src.split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens)
      for (let k = t.startIndex; k < Math.min(t.endIndex, line.length); k++) out[off + k] = t.scopes;
    stack = r.ruleStack;
    off += line.length + 1;
  }
  return out;
}

// ---- the checks -----------------------------------------------------------------------------

function vidFiles(dir, acc) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "build") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) vidFiles(p, acc);
    else if (e.name.endsWith(".vid")) acc.push(p);
  }
  return acc;
}

const has = (scopes, prefix) => scopes.some((s) => s.startsWith(prefix));

// The scope every character of [a, b) of a token must carry.
function want(sc, a, b, prefix) {
  for (let k = a; k < b; k++) if (!has(sc[k], prefix)) return k;
  return -1;
}

function lineCol(src, off) {
  const before = src.slice(0, off).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

async function main() {
  const grammar = await loadGrammar();
  const files = vidFiles(repo, []);
  const failures = [];
  const counts = { files: files.length, whole: 0, comment: 0, string: 0, number: 0, unit: 0, colour: 0, keyword: 0 };
  for (const file of files) {
    const src = fs.readFileSync(file, "utf8");
    const { toks, error } = lex(src);
    if (!error) counts.whole++;
    const sc = scopesOf(grammar, src);
    const rel = path.relative(repo, file);
    const fail = (t, what, k) =>
      failures.push(`${rel}:${lineCol(src, k)}: ${what} ${JSON.stringify(src.slice(t.start, t.end).slice(0, 40))} has scopes ${JSON.stringify(sc[k])}`);
    for (const t of toks) {
      let k;
      if (t.kind === "comment" || t.kind === "string") {
        if ((k = want(sc, t.start, t.end, t.kind)) >= 0 && src[k] !== "\n") fail(t, t.kind, k);
        counts[t.kind]++;
      } else if (t.kind === "colour") {
        if ((k = want(sc, t.start, t.end, "constant.other.color")) >= 0) fail(t, "colour", k);
        counts.colour++;
      } else if (t.kind === "number") {
        if ((k = want(sc, t.start, t.numEnd, "constant.numeric")) >= 0) fail(t, "number", k);
        counts.number++;
        if (t.numEnd < t.end) {
          if ((k = want(sc, t.numEnd, t.end, "keyword.other.unit")) >= 0) fail(t, "unit", k);
          counts.unit++;
        }
      } else if (t.kind === "ident" && t.head && keywords.has(src.slice(t.start, t.end))) {
        const s = sc[t.start];
        if (!(has(s, "keyword.control.") || has(s, "storage.type.layer.")) || has(s, "invalid")) fail(t, "keyword", t.start);
        counts.keyword++;
      }
    }
  }
  console.log(`checked ${JSON.stringify(counts)}`);
  if (counts.whole < 100) failures.push(`only ${counts.whole} .vid files lexed whole (expected every spec of the repository)`);
  for (const k of ["comment", "string", "number", "unit", "colour", "keyword"])
    if (counts[k] < 20) failures.push(`only ${counts[k]} ${k} tokens checked`);
  for (const f of failures.slice(0, 40)) console.log(`FAIL: ${f}`);
  if (failures.length > 40) console.log(`... and ${failures.length - 40} more`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});

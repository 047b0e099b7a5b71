/*
 * highlight.c - the tokenizers behind code frames (see highlight.h).
 *
 * Most languages share one scanner driven by a table row: comment openers, string quotes and
 * how they behave (escapes, line spanning), keyword and builtin lists, and a few flags for the
 * oddities (C's preprocessor, Python's triple quotes and decorators, shell variables, Lua's long
 * brackets, Rust's lifetimes and raw strings). HTML and CSS have scanners of their own because
 * their meaning depends on where one is (inside a tag, inside a rule); HTML hands the contents
 * of <script> and <style> to the JavaScript and CSS scanners.
 */
#include "highlight.h"

#include <string.h>
#include <strings.h>

enum { F_TEXT, F_C, F_PY, F_JS, F_SH, F_JSON, F_HTML, F_CSS, F_LUA, F_GO, F_RUST, F_COUNT };

enum {
	PREPROC = 1,   /* '#' first on a line starts a directive (C) */
	TRIPLE = 2,    /* """ and ''' strings, string prefixes r b f u (Python) */
	DECOR = 4,     /* @name is a decorator */
	SHVAR = 8,     /* $name, ${...}, $1 are variables, also inside "..." (shell) */
	HASHWORD = 16, /* the line comment opener counts only at the start of a word (shell's #) */
	LONGBR = 32,   /* [[...]], [==[...]==] strings and --[[...]] comments (Lua) */
	RUSTY = 64,    /* 'a lifetimes, name! macros, r#"..."# raw strings (Rust) */
	JSONKEY = 128  /* a string followed by ':' is a key */
};

typedef struct {
	const char *line;           /* line comment opener */
	const char *bopen, *bclose; /* block comment */
	const char *quotes;         /* characters that open a string */
	const char *multi;          /* quotes whose strings may span lines */
	const char *raw;            /* quotes inside which a backslash escapes nothing */
	const char *const *kw, *const *types;
	int flags;
} family;

static const char *const c_kw[] = {
	"auto", "break", "case", "const", "continue", "default", "do", "else", "enum", "extern", "for",
	"goto", "if", "inline", "register", "restrict", "return", "sizeof", "static", "struct",
	"switch", "typedef", "union", "volatile", "while", "_Alignas", "_Alignof", "_Atomic",
	"_Generic", "_Noreturn", "_Static_assert", "_Thread_local", "NULL", "true", "false", "nullptr",
	"alignas", "alignof", "catch", "class", "constexpr", "consteval", "constinit", "co_await",
	"co_return", "co_yield", "decltype", "delete", "explicit", "export", "final", "friend",
	"mutable", "namespace", "new", "noexcept", "operator", "override", "private", "protected",
	"public", "template", "this", "throw", "try", "typeid", "typename", "using", "virtual",
	"static_cast", "dynamic_cast", "reinterpret_cast", "const_cast", "concept", "requires", NULL};
static const char *const c_types[] = {
	"void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "bool",
	"_Bool", "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "int8_t", "int16_t",
	"int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "wchar_t", "char8_t",
	"char16_t", "char32_t", "FILE", "std", "string", "vector", "map", "unique_ptr", "shared_ptr",
	NULL};
static const char *const py_kw[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
	"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
	"import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
	"while", "with", "yield", "match", "case", NULL};
static const char *const py_types[] = {
	"int", "float", "str", "bool", "bytes", "list", "dict", "set", "tuple", "object", "type",
	"len", "range", "print", "open", "enumerate", "zip", "map", "filter", "sorted", "reversed",
	"min", "max", "sum", "abs", "round", "isinstance", "super", "self", "cls", "Exception",
	"ValueError", "TypeError", "KeyError", "IndexError", "RuntimeError", NULL};
static const char *const js_kw[] = {
	"break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
	"do", "else", "export", "extends", "finally", "for", "function", "if", "import", "in",
	"instanceof", "let", "new", "return", "super", "switch", "this", "throw", "try", "typeof",
	"var", "void", "while", "with", "yield", "async", "await", "of", "static", "get", "set",
	"null", "undefined", "true", "false", "from", "as", "interface", "type", "enum",
	"implements", "namespace", "declare", "readonly", "abstract", "private", "protected",
	"public", "keyof", "infer", "is", "satisfies", NULL};
static const char *const js_types[] = {
	"string", "number", "boolean", "any", "unknown", "never", "object", "symbol", "bigint",
	"Array", "Object", "Promise", "Map", "Set", "Date", "Math", "JSON", "console", "Error",
	"RegExp", "Number", "String", "Boolean", "window", "document", NULL};
static const char *const sh_kw[] = {
	"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
	"in", "function", "select", "return", "break", "continue", "local", "export", "readonly",
	"declare", "exit", NULL};
static const char *const sh_types[] = {
	"echo", "printf", "cd", "read", "test", "set", "unset", "shift", "source", "eval", "exec",
	"trap", "wait", "kill", "true", "false", "alias", "cat", "grep", "sed", "awk", "ls", "rm",
	"cp", "mv", "mkdir", "tee", "sudo", "curl", "find", "xargs", "sort", "uniq", "head", "tail",
	"git", "make", NULL};
static const char *const json_kw[] = {"true", "false", "null", NULL};
static const char *const lua_kw[] = {
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
	"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", NULL};
static const char *const lua_types[] = {
	"print", "pairs", "ipairs", "require", "type", "tostring", "tonumber", "setmetatable",
	"getmetatable", "string", "table", "math", "io", "os", "pcall", "error", "select", "assert",
	"next", "rawget", "rawset", "self", NULL};
static const char *const go_kw[] = {
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var", "true", "false", "nil", "iota", NULL};
static const char *const go_types[] = {
	"bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
	"int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
	"uintptr", "any", "append", "cap", "close", "copy", "delete", "len", "make", "new", "panic",
	"print", "println", "recover", NULL};
static const char *const rust_kw[] = {
	"as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
	"extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
	"mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
	"type", "unsafe", "use", "where", "while", NULL};
static const char *const rust_types[] = {
	"i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
	"f32", "f64", "bool", "char", "str", "String", "Vec", "Option", "Result", "Some", "None",
	"Ok", "Err", "Box", NULL};

static const family fams[F_COUNT] = {
	[F_C] = {"//", "/*", "*/", "\"'", "", "", c_kw, c_types, PREPROC},
	[F_PY] = {"#", NULL, NULL, "\"'", "", "", py_kw, py_types, TRIPLE | DECOR},
	[F_JS] = {"//", "/*", "*/", "\"'`", "`", "", js_kw, js_types, DECOR},
	[F_SH] = {"#", NULL, NULL, "\"'", "\"'", "'", sh_kw, sh_types, SHVAR | HASHWORD},
	[F_JSON] = {NULL, NULL, NULL, "\"", "", "", json_kw, NULL, JSONKEY},
	[F_LUA] = {"--", NULL, NULL, "\"'", "", "", lua_kw, lua_types, LONGBR},
	[F_GO] = {"//", "/*", "*/", "\"'`", "`", "`", go_kw, go_types, 0},
	[F_RUST] = {"//", "/*", "*/", "\"'", "\"", "", rust_kw, rust_types, RUSTY},
};

int hl_lang(const char *name)
{
	static const struct {
		const char *name;
		int fam;
	} names[] = {{"c", F_C}, {"cpp", F_C}, {"c++", F_C}, {"h", F_C}, {"python", F_PY},
		     {"py", F_PY}, {"javascript", F_JS}, {"js", F_JS}, {"typescript", F_JS},
		     {"ts", F_JS}, {"shell", F_SH}, {"bash", F_SH}, {"sh", F_SH}, {"json", F_JSON},
		     {"html", F_HTML}, {"css", F_CSS}, {"lua", F_LUA}, {"go", F_GO}, {"rust", F_RUST},
		     {"rs", F_RUST}};
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(name, names[i].name))
			return names[i].fam;
	return F_TEXT;
}

/* ---- helpers ------------------------------------------------------------------------------- */

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c & 0x80);
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int starts(const char *s, size_t i, size_t n, const char *w)
{
	size_t k = strlen(w);
	return k && i + k <= n && !memcmp(s + i, w, k);
}

static void mark(unsigned char *cls, size_t a, size_t b, int c)
{
	memset(cls + a, c, b - a);
}

static int in_list(const char *const *l, const char *w, size_t k)
{
	for (; l && *l; l++)
		if (strlen(*l) == k && !memcmp(*l, w, k))
			return 1;
	return 0;
}

/* End of the text from i that closes with w (after it), or n. */
static size_t until(const char *s, size_t i, size_t n, const char *w)
{
	for (; i < n; i++)
		if (starts(s, i, n, w))
			return i + strlen(w);
	return n;
}

static size_t eol(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] != '\n')
		i++;
	return i;
}

/* A Lua long bracket [[ or [==[ at i: its level (number of '='), or -1. */
static int long_bracket(const char *s, size_t i, size_t n)
{
	if (i >= n || s[i] != '[')
		return -1;
	size_t j = i + 1;
	while (j < n && s[j] == '=')
		j++;
	return j < n && s[j] == '[' ? (int)(j - i - 1) : -1;
}

static size_t long_close(const char *s, size_t i, size_t n, int lvl)
{
	for (; i < n; i++) {
		if (s[i] != ']')
			continue;
		size_t j = i + 1;
		while (j < n && s[j] == '=')
			j++;
		if ((int)(j - i - 1) == lvl && j < n && s[j] == ']')
			return j + 1;
	}
	return n;
}

/* A shell variable at s[i] == '$': $name, ${...}, $1, $?; returns its end, or i when none. */
static size_t sh_var(const char *s, size_t i, size_t n)
{
	if (i + 1 >= n)
		return i;
	char c = s[i + 1];
	if (c == '{') {
		size_t j = i + 2;
		while (j < n && s[j] != '}' && s[j] != '\n')
			j++;
		return j < n && s[j] == '}' ? j + 1 : j;
	}
	if (is_alpha(c)) {
		size_t j = i + 1;
		while (j < n && is_alnum((unsigned char)s[j]))
			j++;
		return j;
	}
	if (is_digit(c) || strchr("?#@$!*-", c))
		return i + 2;
	return i;
}

static size_t number(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	int hex = s[i] == '0' && j < n && (s[j] == 'x' || s[j] == 'X');
	while (j < n) {
		char c = s[j];
		if (is_alnum((unsigned char)c) || c == '_')
			j++;
		else if (c == '.' && !(j + 1 < n && s[j + 1] == '.') && (j + 1 >= n || !is_alpha((unsigned char)s[j + 1])))
			j++; /* a decimal point, not a range (0..9) nor a member access (1.max) */
		else if ((c == '+' || c == '-') && !hex && (s[j - 1] == 'e' || s[j - 1] == 'E'))
			j++;
		else
			break;
	}
	return j;
}

static void classify(int lang, const char *s, size_t n, unsigned char *cls);

/* ---- the shared scanner -------------------------------------------------------------------- */

/* Where the scanner stands: the language, its family's rules, the text and its classes. */
typedef struct {
	int lang;
	const family *F;
	const char *s;
	size_t n;
	unsigned char *cls;
	int first; /* the token is the first of its line */
} scan_t;

/* A token kind: at s[i], marks the token and returns its end (> i), or returns i when no
 * token of this kind starts there. The scanner tries them in the order of the table. */
typedef size_t (*scan_fn)(const scan_t *S, size_t i);

/* Lua's --[==[ long comment ]==] */
static size_t sc_long_comment(const scan_t *S, size_t i)
{
	int lvl;
	if (!(S->F->flags & LONGBR) || !starts(S->s, i, S->n, "--") || (lvl = long_bracket(S->s, i + 2, S->n)) < 0)
		return i;
	size_t j = long_close(S->s, i + 4 + (size_t)lvl, S->n, lvl);
	mark(S->cls, i, j, HL_COMMENT);
	return j;
}

static size_t sc_block_comment(const scan_t *S, size_t i)
{
	const family *F = S->F;
	if (!F->bopen || !starts(S->s, i, S->n, F->bopen))
		return i;
	size_t j = until(S->s, i + strlen(F->bopen), S->n, F->bclose);
	mark(S->cls, i, j, HL_COMMENT);
	return j;
}

/* A line comment; in a shell, # starts one only at a word's start. */
static size_t sc_line_comment(const scan_t *S, size_t i)
{
	const family *F = S->F;
	const char *s = S->s;
	if (!F->line || !starts(s, i, S->n, F->line) ||
	    ((F->flags & HASHWORD) && i != 0 && !is_space((unsigned char)s[i - 1]) && s[i - 1] != ';'))
		return i;
	size_t j = eol(s, i, S->n);
	mark(S->cls, i, j, HL_COMMENT);
	return j;
}

/* A preprocessor line's directive; #include <file> shows the file as a string. */
static size_t sc_preproc(const scan_t *S, size_t i)
{
	const char *s = S->s;
	size_t n = S->n, j;
	if (!(S->F->flags & PREPROC) || s[i] != '#' || !S->first)
		return i;
	j = i + 1;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	size_t w = j;
	while (j < n && is_alpha((unsigned char)s[j]))
		j++;
	mark(S->cls, i, j, HL_META);
	int inc = (j - w == 7 && !memcmp(s + w, "include", 7)) || (j - w == 6 && !memcmp(s + w, "import", 6));
	i = j;
	if (inc) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			S->cls[i++] = HL_PLAIN;
		if (i < n && s[i] == '<') {
			j = i;
			while (j < n && s[j] != '>' && s[j] != '\n')
				j++;
			if (j < n && s[j] == '>')
				j++;
			mark(S->cls, i, j, HL_STRING);
			i = j;
		}
	}
	return i;
}

/* Python's @decorator */
static size_t sc_decorator(const scan_t *S, size_t i)
{
	const char *s = S->s;
	size_t n = S->n;
	if (!(S->F->flags & DECOR) || s[i] != '@' || i + 1 >= n || !is_alpha((unsigned char)s[i + 1]))
		return i;
	size_t j = i + 1;
	while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '.'))
		j++;
	mark(S->cls, i, j, HL_META);
	return j;
}

static size_t sc_shell_var(const scan_t *S, size_t i)
{
	size_t j;
	if (!(S->F->flags & SHVAR) || S->s[i] != '$' || (j = sh_var(S->s, i, S->n)) <= i)
		return i;
	mark(S->cls, i, j, HL_META);
	return j;
}

/* Lua's [==[ long string ]==] */
static size_t sc_long_string(const scan_t *S, size_t i)
{
	int lvl;
	if (!(S->F->flags & LONGBR) || (lvl = long_bracket(S->s, i, S->n)) < 0)
		return i;
	size_t j = long_close(S->s, i + 2 + (size_t)lvl, S->n, lvl);
	mark(S->cls, i, j, HL_STRING);
	return j;
}

/* Python's triple-quoted strings, with either quote */
static size_t sc_triple(const scan_t *S, size_t i)
{
	const char *s = S->s;
	size_t n = S->n;
	if (!(S->F->flags & TRIPLE) || !(starts(s, i, n, "\"\"\"") || starts(s, i, n, "'''")))
		return i;
	char q[4] = {s[i], s[i], s[i], 0};
	size_t j = i + 3;
	while (j < n && !starts(s, j, n, q))
		j += s[j] == '\\' && j + 1 < n ? 2 : 1;
	j = j < n ? j + 3 : n;
	mark(S->cls, i, j, HL_STRING);
	return j;
}

/* Rust's lifetimes, 'a or 'static (not the character literal 'a') */
static size_t sc_lifetime(const scan_t *S, size_t i)
{
	const char *s = S->s;
	size_t n = S->n;
	if (!(S->F->flags & RUSTY) || s[i] != '\'' || i + 2 >= n || !is_alpha((unsigned char)s[i + 1]) ||
	    s[i + 2] == '\'')
		return i;
	size_t j = i + 1;
	while (j < n && is_alnum((unsigned char)s[j]))
		j++;
	mark(S->cls, i, j, HL_META);
	return j;
}

/* A quoted string by the family's quotes (escapes, line spanning, raw); shell variables inside
 * "..." are marked, and a JSON string followed by ':' is a key. */
static size_t sc_quoted(const scan_t *S, size_t i)
{
	const family *F = S->F;
	const char *s = S->s;
	size_t n = S->n, j;
	unsigned char ch = (unsigned char)s[i];
	if (!F->quotes || !strchr(F->quotes, ch))
		return i;
	int multi = strchr(F->multi, ch) != NULL, raw = strchr(F->raw, ch) != NULL;
	j = i + 1;
	while (j < n && (unsigned char)s[j] != ch && (multi || s[j] != '\n')) {
		if (!raw && s[j] == '\\' && j + 1 < n && s[j + 1] != '\n')
			j += 2;
		else
			j++;
	}
	size_t e = j < n && (unsigned char)s[j] == ch ? j + 1 : j;
	mark(S->cls, i, e, HL_STRING);
	if ((F->flags & SHVAR) && ch == '"')
		for (size_t k = i + 1; k + 1 < e; k++)
			if (s[k] == '$' && (j = sh_var(s, k, e - 1)) > k) {
				mark(S->cls, k, j, HL_META);
				k = j - 1;
			}
	if (F->flags & JSONKEY) {
		size_t k = e;
		while (k < n && is_space((unsigned char)s[k]))
			k++;
		if (k < n && s[k] == ':')
			mark(S->cls, i, e, HL_TYPE);
	}
	return e;
}

static size_t sc_number(const scan_t *S, size_t i)
{
	const char *s = S->s;
	size_t n = S->n;
	if (!is_digit((unsigned char)s[i]) && !(s[i] == '.' && i + 1 < n && is_digit((unsigned char)s[i + 1])))
		return i;
	size_t j = number(s, i, n);
	mark(S->cls, i, j, HL_NUMBER);
	return j;
}

/* Rust's raw strings r"..." and r#"..."# (br too) after the word r or br ending at j; returns
 * their end, or i when the word is no such prefix. */
static size_t rust_raw(const scan_t *S, size_t i, size_t j)
{
	const char *s = S->s;
	size_t n = S->n, k = j - i;
	if (!((k == 1 || k == 2) && !memcmp(s + i + k - 1, "r", 1) && (k == 1 || s[i] == 'b') && j < n &&
	      (s[j] == '#' || s[j] == '"')))
		return i;
	size_t h = j;
	while (h < n && s[h] == '#')
		h++;
	if (h >= n || s[h] != '"')
		return i;
	size_t hashes = h - j, e = h + 1, m = 0;
	for (; e < n; e++) {
		if (s[e] != '"')
			continue;
		for (m = 0; m < hashes && e + 1 + m < n && s[e + 1 + m] == '#'; m++)
			;
		if (m == hashes)
			break;
	}
	e = e < n ? e + 1 + hashes : n;
	mark(S->cls, i, e, HL_STRING);
	return e;
}

/* A word: keyword, type, function (followed by '(' or, in Rust, a macro's '!'), or a string
 * prefix (Python's r"", f"", Rust's r#""#). */
static size_t sc_word(const scan_t *S, size_t i)
{
	const family *F = S->F;
	const char *s = S->s;
	size_t n = S->n;
	int lang = S->lang;
	if (!is_alpha((unsigned char)s[i]) && !(lang == F_JS && s[i] == '$'))
		return i;
	size_t j = i + 1;
	while (j < n && (is_alnum((unsigned char)s[j]) || (lang == F_JS && s[j] == '$')))
		j++;
	size_t k = j - i, e;
	if ((F->flags & TRIPLE) && k <= 2 && j < n && (s[j] == '"' || s[j] == '\'') &&
	    strspn(s + i, "rRbBfFuU") >= k) {
		mark(S->cls, i, j, HL_STRING); /* a prefix: the string follows */
		return j;
	}
	if ((F->flags & RUSTY) && (e = rust_raw(S, i, j)) > i)
		return e;
	int c = HL_PLAIN;
	if (in_list(F->kw, s + i, k))
		c = HL_KEYWORD;
	else if (in_list(F->types, s + i, k))
		c = HL_TYPE;
	else if ((F->flags & RUSTY) && j < n && s[j] == '!') {
		c = HL_FUNC;
		j++;
	} else if (lang != F_SH && lang != F_JSON) {
		size_t m = j;
		while (m < n && (s[m] == ' ' || s[m] == '\t'))
			m++;
		if (m < n && s[m] == '(')
			c = HL_FUNC;
	}
	mark(S->cls, i, j, c);
	return j;
}

static const scan_fn scanners[] = {sc_long_comment, sc_block_comment, sc_line_comment, sc_preproc,
				   sc_decorator,    sc_shell_var,     sc_long_string,  sc_triple,
				   sc_lifetime,     sc_quoted,        sc_number,       sc_word};

static void generic(int lang, const char *s, size_t n, unsigned char *cls)
{
	scan_t S = {lang, &fams[lang], s, n, cls, 1};
	int line_start = 1;
	size_t i = 0;
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n') {
			cls[i++] = HL_PLAIN;
			line_start = 1;
			continue;
		}
		if (is_space(ch)) {
			cls[i++] = HL_PLAIN;
			continue;
		}
		S.first = line_start;
		line_start = 0;
		size_t j = i;
		for (size_t k = 0; k < sizeof scanners / sizeof scanners[0] && j == i; k++)
			j = scanners[k](&S, i);
		if (j > i)
			i = j;
		else
			cls[i++] = strchr("{}[]()<>=+-*/%&|^!~?:;,.@\\", ch) ? HL_PUNCT : HL_PLAIN;
	}
}

/* ---- CSS ----------------------------------------------------------------------------------- */

static void css(const char *s, size_t n, unsigned char *cls)
{
	int depth = 0, value = 0;
	size_t i = 0;
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		size_t j;
		if (starts(s, i, n, "/*")) {
			j = until(s, i + 2, n, "*/");
			mark(cls, i, j, HL_COMMENT);
			i = j;
		} else if (ch == '"' || ch == '\'') {
			j = i + 1;
			while (j < n && (unsigned char)s[j] != ch && s[j] != '\n')
				j += s[j] == '\\' && j + 1 < n ? 2 : 1;
			j = j < n && (unsigned char)s[j] == ch ? j + 1 : j;
			mark(cls, i, j, HL_STRING);
			i = j;
		} else if (ch == '@' || (ch == '!' && value)) {
			j = i + 1;
			while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-'))
				j++;
			mark(cls, i, j, HL_KEYWORD);
			i = j;
		} else if (ch == '{' || ch == '}' || ch == ';') {
			depth += ch == '{' ? 1 : ch == '}' ? (depth > 0 ? -1 : 0) : 0;
			value = 0;
			cls[i++] = HL_PUNCT;
		} else if (ch == ':' && depth > 0 && !value) {
			value = 1;
			cls[i++] = HL_PUNCT;
		} else if ((ch == '#' || ch == '.' || ch == ':') && !value && i + 1 < n &&
			   (is_alpha((unsigned char)s[i + 1]) || s[i + 1] == '-' || s[i + 1] == ':')) {
			j = i + 1; /* #id, .class, :hover, ::before in a selector */
			while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-' || s[j] == ':'))
				j++;
			mark(cls, i, j, HL_FUNC);
			i = j;
		} else if (value && ch == '#') {
			j = i + 1;
			while (j < n && is_alnum((unsigned char)s[j]))
				j++;
			mark(cls, i, j, HL_NUMBER);
			i = j;
		} else if (value && (is_digit(ch) || ((ch == '.' || ch == '-') && i + 1 < n && is_digit((unsigned char)s[i + 1])))) {
			j = i + 1;
			while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '%'))
				j++;
			mark(cls, i, j, HL_NUMBER);
			i = j;
		} else if (is_alpha(ch) || (ch == '-' && i + 1 < n && (is_alpha((unsigned char)s[i + 1]) || s[i + 1] == '-'))) {
			j = i + 1;
			while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-'))
				j++;
			int c = HL_PLAIN;
			if (!value) {
				/* a property if a ':' follows (inside a rule), else a selector's tag name */
				size_t m = j;
				while (m < n && (s[m] == ' ' || s[m] == '\t'))
					m++;
				c = depth > 0 && m < n && s[m] == ':' ? HL_TYPE : HL_META;
			} else if (j < n && s[j] == '(') {
				c = HL_FUNC;
			}
			mark(cls, i, j, c);
			i = j;
		} else {
			cls[i++] = strchr("()[],>+~*=%/", ch) ? HL_PUNCT : HL_PLAIN;
		}
	}
}

/* ---- HTML ---------------------------------------------------------------------------------- */

static void html(const char *s, size_t n, unsigned char *cls)
{
	size_t i = 0;
	while (i < n) {
		size_t j;
		if (starts(s, i, n, "<!--")) {
			j = until(s, i + 4, n, "-->");
			mark(cls, i, j, HL_COMMENT);
			i = j;
			continue;
		}
		if (s[i] == '&') {
			j = i + 1;
			while (j < n && j < i + 12 && (is_alnum((unsigned char)s[j]) || s[j] == '#'))
				j++;
			if (j < n && s[j] == ';') {
				mark(cls, i, j + 1, HL_NUMBER);
				i = j + 1;
				continue;
			}
		}
		if (s[i] != '<' || i + 1 >= n || !(is_alpha((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
			cls[i++] = HL_PLAIN;
			continue;
		}
		/* a tag */
		cls[i++] = HL_PUNCT;
		int closing = 0;
		if (s[i] == '/' || s[i] == '!') {
			closing = 1;
			cls[i] = s[i] == '/' ? HL_PUNCT : HL_META;
			i++;
		}
		size_t name = i;
		while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':'))
			cls[i++] = HL_META;
		size_t name_len = i - name;
		int self_close = 0;
		while (i < n && s[i] != '>') {
			unsigned char ch = (unsigned char)s[i];
			if (ch == '"' || ch == '\'') {
				j = i + 1;
				while (j < n && (unsigned char)s[j] != ch)
					j++;
				j = j < n ? j + 1 : n;
				mark(cls, i, j, HL_STRING);
				i = j;
			} else if (ch == '=') {
				cls[i++] = HL_PUNCT;
				if (i < n && !is_space((unsigned char)s[i]) && s[i] != '"' && s[i] != '\'') {
					j = i;
					while (j < n && !is_space((unsigned char)s[j]) && s[j] != '>')
						j++;
					mark(cls, i, j, HL_STRING);
					i = j;
				}
			} else if (is_alpha(ch)) {
				j = i;
				while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-' || s[j] == ':'))
					j++;
				mark(cls, i, j, HL_TYPE);
				i = j;
			} else {
				self_close = ch == '/';
				cls[i++] = ch == '/' ? HL_PUNCT : HL_PLAIN;
			}
		}
		if (i < n)
			cls[i++] = HL_PUNCT;
		/* the contents of <script> and <style> are JavaScript and CSS */
		int sub = -1;
		if (!closing && !self_close && name_len == 6 && !strncasecmp(s + name, "script", 6))
			sub = F_JS;
		else if (!closing && !self_close && name_len == 5 && !strncasecmp(s + name, "style", 5))
			sub = F_CSS;
		if (sub >= 0) {
			const char *endtag = sub == F_JS ? "</script" : "</style";
			size_t e = i, k = strlen(endtag);
			while (e < n && !(e + k <= n && !strncasecmp(s + e, endtag, k)))
				e++;
			classify(sub, s + i, e - i, cls + i);
			i = e;
		}
	}
}

static void classify(int lang, const char *s, size_t n, unsigned char *cls)
{
	if (lang == F_HTML)
		html(s, n, cls);
	else if (lang == F_CSS)
		css(s, n, cls);
	else if (lang > F_TEXT && lang < F_COUNT)
		generic(lang, s, n, cls);
	else
		memset(cls, HL_PLAIN, n);
}

void hl_classify(int lang, const char *src, size_t n, unsigned char *cls)
{
	classify(lang, src, n, cls);
}

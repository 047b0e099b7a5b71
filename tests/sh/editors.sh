#!/bin/sh
# editors/ (issue 15): the VS Code extension's manifest names the language, its grammar and its
# client as the files have them, and the TextMate grammar tokenizes every .vid of the repository
# as grammar/vid.ebnf lexes it (tests/editors/textmate.test.js, through VS Code's own engine,
# npm's vscode-textmate and vscode-oniguruma: pinned in tests/editors/package.json and
# package-lock.json, installed into tests/editors/node_modules, git-ignored, when missing; once
# there the test runs offline).
# No vidc code runs here: under the sanitizers (VIDC_SANITIZE=1) the gcc suite's run is enough.
if [ "${VIDC_SANITIZE:-0}" = 1 ]; then
	echo "SKIP: editors.sh runs no vidc code (it runs in the gcc suite)"
	exit 0
fi
. "$(dirname "$0")/lib.sh"

ext=editors/vscode
expect 0 "the extension's files are JSON and JavaScript" -- python3 - "$ext" <<'PYEOF'
import json, os, sys
ext = sys.argv[1]
pkg = json.load(open(os.path.join(ext, "package.json")))
langs = pkg["contributes"]["languages"]
assert [(l["id"], l["extensions"]) for l in langs] == [("vid", [".vid"])], langs
gram = pkg["contributes"]["grammars"]
assert [(g["language"], g["scopeName"]) for g in gram] == [("vid", "source.vid")], gram
tm = json.load(open(os.path.join(ext, gram[0]["path"])))
assert tm["scopeName"] == "source.vid", tm.get("scopeName")
conf = json.load(open(os.path.join(ext, langs[0]["configuration"])))
assert conf["comments"] == {"lineComment": "//", "blockComment": ["/*", "*/"]}, conf["comments"]
assert ["{", "}"] in conf["brackets"] and ["(", ")"] in conf["brackets"], conf["brackets"]
dep = pkg["dependencies"]["vscode-languageclient"]
assert dep[0].isdigit(), "pinned: " + dep
main = open(os.path.join(ext, pkg["main"])).read()
assert 'require("vscode-languageclient/node")' in main and '"lsp"' in main, "extension.js starts vidc lsp"
print("ok")
PYEOF
has "$tmp/out" "ok" "the extension's manifest"
expect 0 "extension.js parses" -- node --check "$ext/extension.js"
[ -z "$(git ls-files "$ext/node_modules" tests/editors/node_modules 2>/dev/null)" ] ||
	say "node_modules is committed: the client is a dependency, installed by npm, not vendored"

command -v npm >/dev/null || { say "npm is needed (scripts/deps.sh installs it)"; exit 1; }
if [ ! -f tests/editors/node_modules/vscode-textmate/package.json ] ||
	[ ! -f tests/editors/node_modules/vscode-oniguruma/package.json ]; then
	expect 0 "npm ci in tests/editors" -- npm ci --prefix tests/editors --no-audit --no-fund
	[ "$fail" = 0 ] || exit 1
fi
expect 0 "the TextMate grammar on every .vid" -- node tests/editors/textmate.test.js "$PWD"
[ "$fail" = 0 ] || sed 's/^/    /' "$tmp/out" | head -20
has "$tmp/out" "checked" "the TextMate grammar on every .vid"

exit $fail

// extension.js - starts `vidc lsp` (the language server, SPEC.md "The language server") for
// .vid documents through vscode-languageclient: diagnostics as you type, quick fixes from the
// fix-its, completion, hover with resolved times, go to definition. The executable and extra
// arguments come from the settings vid.server.path and vid.server.args.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const cfg = vscode.workspace.getConfiguration("vid");
  const command = cfg.get("server.path", "vidc");
  const args = ["lsp", ...cfg.get("server.args", [])];
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient("vid", "vidc language server", { run: server, debug: server }, {
    documentSelector: [{ scheme: "file", language: "vid" }],
    synchronize: {
      // an import, a hook or a timing file changing on disk changes what a spec means
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{vid,lua,json}"),
    },
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

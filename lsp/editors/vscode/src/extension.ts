// The VS Code client of Replica's language server: it starts `replica lsp` (the binary named
// by the `replica.path` setting) for `.sync` rules and bare Exalate scripts, and restarts it
// when that setting changes.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function binary(): string {
    const configured = vscode.workspace.getConfiguration('replica').get<string>('path');
    return configured && configured.trim() !== '' ? configured.trim() : 'replica';
}

async function start(): Promise<void> {
    const command = binary();
    const serverOptions: ServerOptions = {
        run: { command, args: ['lsp'] },
        debug: { command, args: ['lsp'] },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'replica-sync' },
            { scheme: 'untitled', language: 'replica-sync' },
        ],
        // A schema lock that changes is read again, and the open files checked with it.
        synchronize: {
            fileEvents: vscode.workspace.createFileSystemWatcher('**/replica.schema.json'),
        },
    };
    client = new LanguageClient('replica', 'Replica', serverOptions, clientOptions);
    try {
        await client.start();
    } catch (error) {
        client = undefined;
        const message = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(
            `Replica: could not start \`${command} lsp\` (${message}). Set \`replica.path\` to the replica binary.`,
        );
    }
}

async function restart(): Promise<void> {
    const running = client;
    client = undefined;
    if (running) {
        await running.stop();
    }
    await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    context.subscriptions.push(
        vscode.commands.registerCommand('replica.restartServer', restart),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (event.affectsConfiguration('replica.path')) {
                void restart();
            }
        }),
    );
    await start();
}

export async function deactivate(): Promise<void> {
    if (client) {
        await client.stop();
    }
}

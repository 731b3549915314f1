// Stands in for the `vscode` module when the engine is type-checked (src/kernel/tsconfig.json maps 'vscode'
// here): the engine runs in the kernel process and the CLI, where there is no VS Code, so any use of the
// vscode API in src/kernel fails to compile ("Property 'window' does not exist …").
export declare const engineMustNotUseTheVscodeApi: never;

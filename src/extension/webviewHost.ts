// The extension's end of a webview's typed messages (src/webview-protocol/): notifications wait until the
// webview says it is ready, commands go to the handler registered for them.
import * as vscode from 'vscode';
import {
  isIpcMessage, RenderErrorCommand, WebviewReadyCommand, type IpcCommandType, type IpcMessage, type IpcNotificationType,
} from '../webview-protocol/ipc';

export class WebviewHost implements vscode.Disposable {
  private ready = false;
  private readonly queue: IpcMessage[] = [];
  private readonly handlers = new Map<string, (params: unknown) => void>();
  private readonly subscription: vscode.Disposable;
  lastRenderError: string | undefined;

  constructor(private readonly webview: vscode.Webview, private readonly log?: (line: string) => void) {
    this.subscription = webview.onDidReceiveMessage((m: unknown) => this.receive(m));
    this.onCommand(WebviewReadyCommand, () => {
      this.ready = true;
      for (const m of this.queue.splice(0)) void this.webview.postMessage(m);
    });
    this.onCommand(RenderErrorCommand, ({ message }) => {
      this.lastRenderError = message;
      this.log?.(`webview could not draw: ${message}`);
    });
  }

  notify<P>(type: IpcNotificationType<P>, params: P): void {
    const message = type.message(params);
    if (this.ready) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  onCommand<P>(type: IpcCommandType<P>, handler: (params: P) => void): void {
    this.handlers.set(type.method, handler as (params: unknown) => void);
  }

  /** The webview was reloaded (html set again): queue until it says ready. */
  reset(): void {
    this.ready = false;
  }

  private receive(message: unknown): void {
    if (!isIpcMessage(message)) return;
    this.handlers.get(message.method)?.(message.params);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

// The webview's end of the typed messages (src/webview-protocol/): send commands, handle notifications.
import {
  isIpcMessage, RenderErrorCommand, WebviewReadyCommand, type IpcCommandType, type IpcNotificationType,
} from '../src/webview-protocol/ipc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const handlers = new Map<string, (params: unknown) => void>();

export function send<P>(type: IpcCommandType<P>, params: P): void {
  api.postMessage(type.message(params));
}

export function onNotification<P>(type: IpcNotificationType<P>, handler: (params: P) => void | Promise<void>): void {
  handlers.set(type.method, (params) => {
    Promise.resolve(handler(params as P)).catch((err: Error) => send(RenderErrorCommand, { message: err?.message ?? String(err) }));
  });
}

/** Call once every handler is registered: the extension starts sending. */
export function ready(): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data;
    if (isIpcMessage(m)) handlers.get(m.method)?.(m.params);
  });
  send(WebviewReadyCommand, undefined);
}

export function reportError(err: unknown): void {
  send(RenderErrorCommand, { message: (err as Error)?.message ?? String(err) });
}

// Typed messages between the extension and its webviews, as GitLens does it: each message is one constant,
// an IpcCommandType<Params> (webview → extension) or an IpcNotificationType<Params> (extension → webview),
// declared once per feature in this folder and imported by both sides. No DOM, no Node, no vscode here.

export interface IpcMessage<Params = unknown> {
  method: string;
  params: Params;
}

abstract class IpcMessageType<Params> {
  /** Never set: carries the parameter type for the compiler. */
  declare readonly _params: Params;
  constructor(readonly method: string) {}

  message(params: Params): IpcMessage<Params> {
    return { method: this.method, params };
  }

  is(message: unknown): message is IpcMessage<Params> {
    return isIpcMessage(message) && message.method === this.method;
  }
}

/** Webview → extension. */
export class IpcCommandType<Params = void> extends IpcMessageType<Params> {
  readonly direction = 'command';
}

/** Extension → webview. */
export class IpcNotificationType<Params = void> extends IpcMessageType<Params> {
  readonly direction = 'notification';
}

export function isIpcMessage(value: unknown): value is IpcMessage {
  return typeof value === 'object' && value !== null && typeof (value as { method?: unknown }).method === 'string';
}

/** Every webview says it is ready to receive (messages posted before that would be lost). */
export const WebviewReadyCommand = new IpcCommandType<void>('webview/ready');

/** A webview failed to draw: the message, for the output channel and the tests. */
export const RenderErrorCommand = new IpcCommandType<{ message: string }>('webview/renderError');

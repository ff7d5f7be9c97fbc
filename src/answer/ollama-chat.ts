/** Streaming chat through Ollama's `/api/chat`, behind the small ChatModel seam the answerer uses. */
import {
  createOllamaClient,
  ensureModelPulled,
  type FetchLike,
  type OllamaErrorContext,
  toOllamaUserError,
} from "../ollama/client.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatModel {
  readonly id: string;
  chat(
    messages: ChatMessage[],
    options?: { onToken?: (delta: string) => void; signal?: AbortSignal },
  ): Promise<string>;
}

export interface OllamaChatOptions {
  host: string;
  model: string;
  /**
   * Sent as options.num_ctx on every call: the server default depends on its VRAM, and a prompt
   * longer than it loses its sources silently.
   */
  numCtx: number;
  /** Longest silence: before the first token and between tokens, not the whole generation. */
  timeoutMs: number;
  fetch?: FetchLike;
  /** Defaults to 0.3: answers grounded in sources gain nothing from a creative model. */
  temperature?: number;
}

export class OllamaChat implements ChatModel {
  readonly id: string;
  private readonly ctx: OllamaErrorContext & { model: string };
  private readonly numCtx: number;
  private readonly temperature: number;
  private readonly fetch: FetchLike | undefined;

  constructor(options: OllamaChatOptions) {
    this.id = `ollama:${options.model}`;
    this.ctx = { host: options.host, timeoutMs: options.timeoutMs, model: options.model };
    this.numCtx = options.numCtx;
    this.temperature = options.temperature ?? 0.3;
    this.fetch = options.fetch;
  }

  /** Fails with the not-pulled message before the first question reaches a missing model. */
  async checkModel(): Promise<void> {
    const client = createOllamaClient({
      host: this.ctx.host,
      timeoutMs: this.ctx.timeoutMs,
      fetch: this.fetch,
    });
    await ensureModelPulled(client, this.ctx.model, this.ctx);
  }

  /**
   * Streams the answer, calling onToken with each delta, and returns the whole text. Rejects with
   * a UserError on Ollama failures, with `signal.reason` when cancelled, and with whatever onToken
   * threw if it throws (the request is then abandoned).
   */
  async chat(
    messages: ChatMessage[],
    options: { onToken?: (delta: string) => void; signal?: AbortSignal } = {},
  ): Promise<string> {
    const { onToken, signal } = options;
    signal?.throwIfAborted();
    // One controller per call: ollama-js takes no signal for chat, so cancellation and clean-up
    // go through the client's fetch.
    const call = new AbortController();
    const forward = () => call.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    const client = createOllamaClient({
      host: this.ctx.host,
      timeoutMs: this.ctx.timeoutMs,
      fetch: this.fetch,
      signal: call.signal,
    });

    let text = "";
    let callbackFailure: { error: unknown } | undefined;
    try {
      const stream = await client.chat({
        model: this.ctx.model,
        messages,
        stream: true,
        options: { num_ctx: this.numCtx, temperature: this.temperature },
      });
      for await (const part of stream) {
        const delta = part.message?.content ?? "";
        if (delta === "") continue;
        text += delta;
        if (onToken === undefined) continue;
        try {
          onToken(delta);
        } catch (error) {
          callbackFailure = { error };
          break;
        }
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw toOllamaUserError(err, this.ctx);
    } finally {
      signal?.removeEventListener("abort", forward);
      // ollama-js stops reading at the `done` line; this releases the connection and its timer.
      call.abort();
    }
    if (callbackFailure !== undefined) throw callbackFailure.error;
    return text;
  }
}

/** Streaming chat through Ollama's `/api/chat`, behind the small ChatModel seam the answerer uses. */
import {
  ensureModelPulled,
  OllamaAnswerTimeoutError,
  type OllamaClient,
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
  /** The app's shared client: its host, fetch and timeout (the longest silence: before the first token and between tokens, not the whole generation). */
  client: OllamaClient;
  model: string;
  /**
   * Sent as options.num_ctx on every call: the server default depends on its VRAM, and a prompt
   * longer than it loses its sources silently.
   */
  numCtx: number;
  /** Defaults to 0.3: answers grounded in sources gain nothing from a creative model. */
  temperature?: number;
  /**
   * Longest time for the whole answer (OLLAMA_ANSWER_TIMEOUT_MS). The client's timeout only
   * bounds each silence, so a model trickling a token every few seconds would never end.
   */
  answerTimeoutMs?: number;
}

export class OllamaChat implements ChatModel {
  readonly id: string;
  readonly client: OllamaClient;
  private readonly ctx: OllamaErrorContext & { model: string };
  private readonly numCtx: number;
  private readonly temperature: number;
  private readonly answerTimeoutMs: number | undefined;

  constructor(options: OllamaChatOptions) {
    this.id = `ollama:${options.model}`;
    this.client = options.client;
    this.ctx = { ...options.client.errorContext(options.model), model: options.model };
    this.numCtx = options.numCtx;
    this.temperature = options.temperature ?? 0.3;
    this.answerTimeoutMs = options.answerTimeoutMs;
  }

  /**
   * Throws the not-pulled message if the model is missing. Only tests call it today: the app
   * does not check at start-up, and the first question to a missing model gets the same message
   * from chat() (a 404 becomes ollama-model-missing).
   */
  async checkModel(): Promise<void> {
    await ensureModelPulled(this.client, this.ctx.model);
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
    // One controller per call: it carries the caller's abort and, once the answer is read, ends
    // the connection and its idle timer.
    const call = new AbortController();
    const forward = () => call.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    const limit =
      this.answerTimeoutMs === undefined
        ? undefined
        : setTimeout(
            () => call.abort(new OllamaAnswerTimeoutError(this.answerTimeoutMs ?? 0)),
            this.answerTimeoutMs,
          );

    let text = "";
    let callbackFailure: { error: unknown } | undefined;
    try {
      const stream = await this.client.chatStream(
        { model: this.ctx.model, messages, options: { num_ctx: this.numCtx, temperature: this.temperature } },
        call.signal,
      );
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
      if (call.signal.reason instanceof OllamaAnswerTimeoutError)
        throw toOllamaUserError(call.signal.reason, this.ctx);
      throw toOllamaUserError(err, this.ctx);
    } finally {
      clearTimeout(limit);
      signal?.removeEventListener("abort", forward);
      // ollama-js stops reading at the `done` line; this releases the connection and its timer.
      call.abort();
    }
    if (callbackFailure !== undefined) throw callbackFailure.error;
    return text;
  }
}

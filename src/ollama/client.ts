/**
 * The Ollama client, built once per app (src/app.ts) and shared by embeddings and chat, and the
 * one place that turns Ollama's failures into messages a user can act on. ollama-js has no
 * timeout of its own and reports errors as a mix of `ResponseError` (with `status_code`), plain
 * `Error`s (an `{"error"}` line mid-stream) and fetch `TypeError`s, so we wrap its `fetch` to add
 * an idle timeout and to tag connection failures before they reach it.
 */
import { type ChatRequest, type ChatResponse, type EmbedRequest, type EmbedResponse, Ollama } from "ollama";
import { UserError } from "../errors.js";

export type FetchLike = typeof globalThis.fetch;

export interface OllamaClientOptions {
  /** Normalised base URL, e.g. http://127.0.0.1:11434 (see normaliseOllamaHost in config.ts). */
  host: string;
  /**
   * Longest wait for the next byte: for the response headers, then between body chunks. For a
   * non-streaming call that is the time to the whole answer; for a stream it bounds the first
   * token and each gap, not the whole generation.
   */
  timeoutMs: number;
  fetch?: FetchLike;
}

/** One host, one timeout, one fetch for every Ollama call of the app. */
export class OllamaClient {
  readonly host: string;
  readonly timeoutMs: number;
  readonly #fetch: FetchLike;
  readonly #api: Ollama;

  constructor(options: OllamaClientOptions) {
    this.host = options.host;
    this.timeoutMs = options.timeoutMs;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#api = this.#withSignal(undefined);
  }

  /** The models pulled on the server (`/api/tags`). Throws what ollama-js throws. */
  async listModels(): Promise<Array<{ name?: string; model?: string; digest?: string }>> {
    return (await this.#api.list()).models ?? [];
  }

  /** `/api/embed`. Throws what ollama-js throws; map it with toOllamaUserError. */
  embed(request: EmbedRequest): Promise<EmbedResponse> {
    return this.#api.embed(request);
  }

  /**
   * Streams `/api/chat`. Aborting `signal` cancels this call alone, also before the first byte:
   * ollama-js 0.6 takes no per-request signal, so the call gets its own ollama-js view over this
   * client's host, fetch and timeout. Throws what ollama-js throws.
   */
  chatStream(
    request: Omit<ChatRequest, "stream">,
    signal?: AbortSignal,
  ): Promise<AsyncIterable<ChatResponse>> {
    return this.#withSignal(signal).chat({ ...request, stream: true });
  }

  /** What toOllamaUserError needs to phrase a message; `model` for calls that name one. */
  errorContext(model?: string): OllamaErrorContext {
    return { host: this.host, timeoutMs: this.timeoutMs, ...(model === undefined ? {} : { model }) };
  }

  #withSignal(signal: AbortSignal | undefined): Ollama {
    return new Ollama({ host: this.host, fetch: withIdleTimeout(this.#fetch, this.timeoutMs, signal) });
  }
}

/** What the mapping below needs to phrase a message. */
export interface OllamaErrorContext {
  host: string;
  timeoutMs: number;
  /** Set for calls that name a model, so that a 404 means "not pulled". */
  model?: string;
}

/** Raised by the fetch wrapper; `toOllamaUserError` turns it into `ollama-timeout`. */
export class OllamaTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
    this.name = "OllamaTimeoutError";
  }
}

/** Raised when a whole chat answer takes longer than OLLAMA_ANSWER_TIMEOUT_MS, however steadily it streams. */
export class OllamaAnswerTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the answer took longer than ${timeoutMs} ms`);
    this.name = "OllamaAnswerTimeoutError";
  }
}

/**
 * Raised by the fetch wrapper when the transport fails: before the response ("connect": refused,
 * DNS, TLS…) or while reading its body ("body": connection reset mid-answer).
 */
export class OllamaConnectionError extends Error {
  constructor(
    readonly phase: "connect" | "body",
    options: { cause: unknown },
  ) {
    super(
      phase === "connect"
        ? `connection failed: ${describeCause(options.cause)}`
        : `the connection closed before the answer was complete (${describeCause(options.cause)})`,
      options,
    );
    this.name = "OllamaConnectionError";
  }
}

/** Statuses whose Response must have a null body: re-wrapping them with a stream would throw. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * Wraps fetch so that a request fails with OllamaTimeoutError when no byte arrives for
 * `timeoutMs`, and with OllamaConnectionError when the transport fails. Races rather than relying
 * on the injected fetch honouring its signal, so any fetch (including a test double) is bounded.
 */
export function withIdleTimeout(fetchImpl: FetchLike, timeoutMs: number, outer?: AbortSignal): FetchLike {
  return async (input, init) => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    let fail: (err: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => {});
    let bodyController: ReadableStreamDefaultController<Uint8Array> | undefined;

    const abortWith = (reason: unknown) => {
      if (settled) return;
      settled = true;
      clearTimer();
      detach();
      ctl.abort(reason);
      fail(reason);
      if (bodyController) {
        try {
          bodyController.error(reason);
        } catch {
          // Already closed or errored: nothing left to tell the reader.
        }
      }
    };
    const clearTimer = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const arm = () => {
      clearTimer();
      timer = setTimeout(() => abortWith(new OllamaTimeoutError(timeoutMs)), timeoutMs);
      // A CLI must not wait on this timer after its work is done; an open socket keeps the
      // process alive anyway while a request is really pending.
      timer.unref?.();
    };
    const finish = () => {
      settled = true;
      clearTimer();
      detach();
    };
    const signals = [init?.signal, outer].filter((s): s is AbortSignal => s != null);
    const onAbort = (event: Event) => abortWith((event.target as AbortSignal).reason);
    const detach = () => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    };
    for (const s of signals) s.throwIfAborted();
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });

    arm();
    let response: Response;
    try {
      const pending = fetchImpl(input, { ...init, signal: ctl.signal });
      pending.catch(() => {});
      response = await Promise.race([pending, failed]);
    } catch (err) {
      if (settled) throw ctl.signal.reason;
      finish();
      throw new OllamaConnectionError("connect", { cause: err });
    }
    if (settled) throw ctl.signal.reason;
    if (response.body === null || NULL_BODY_STATUS.has(response.status)) {
      finish();
      return response;
    }

    arm();
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        bodyController = controller;
      },
      async pull(controller) {
        if (settled) return;
        try {
          const { done, value } = await reader.read();
          if (settled) return;
          if (done) {
            finish();
            controller.close();
            return;
          }
          arm();
          controller.enqueue(value);
        } catch (err) {
          if (settled) return;
          finish();
          controller.error(new OllamaConnectionError("body", { cause: err }));
        }
      },
      cancel(reason) {
        finish();
        ctl.abort(reason);
        return reader.cancel(reason).catch(() => {});
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

export function modelMissingError(model: string, cause?: unknown): UserError {
  return new UserError("ollama-model-missing", `model '${model}' is not pulled: run "ollama pull ${model}"`, {
    cause,
  });
}

/**
 * Turns anything an ollama-js call threw into a UserError, keeping the server's own message.
 * An AbortError (the caller cancelled) is returned unchanged: it is not a failure to report.
 */
export function toOllamaUserError(err: unknown, ctx: OllamaErrorContext): Error {
  if (err instanceof UserError) return err;
  if (err instanceof OllamaTimeoutError) {
    return new UserError(
      "ollama-timeout",
      `Ollama did not answer within ${formatSeconds(ctx.timeoutMs)} s (${ctx.host})`,
      { cause: err },
    );
  }
  if (err instanceof OllamaAnswerTimeoutError) {
    return new UserError(
      "ollama-timeout",
      `Ollama did not finish the answer within ${formatSeconds(err.timeoutMs)} s (${ctx.host})`,
      { cause: err },
    );
  }
  if (err instanceof OllamaConnectionError) {
    if (err.phase === "connect") {
      return new UserError(
        "ollama-unreachable",
        `cannot reach Ollama at ${ctx.host}: is "ollama serve" running?`,
        {
          cause: err,
        },
      );
    }
    return new UserError("ollama-failed", `Ollama failed: ${err.message}`, { cause: err });
  }
  if (isResponseError(err)) {
    // ollama-js only sets status_code; the text of a 404 varies between server versions.
    if (err.status_code === 404 && ctx.model !== undefined) return modelMissingError(ctx.model, err);
    return new UserError("ollama-failed", `Ollama failed: ${err.message}`, { cause: err });
  }
  if (err instanceof Error && err.name === "AbortError") return err;
  // What is left: an {"error"} line mid-stream, a stream that ended without `done`, a body that
  // is not JSON. ollama-js reports these as plain Errors carrying the server's text.
  const message = err instanceof Error ? err.message : String(err);
  return new UserError("ollama-failed", `Ollama failed: ${message}`, { cause: err });
}

/** `bge-m3` and `bge-m3:latest` are the same model to Ollama; names are case-insensitive. */
export function sameModelName(a: string, b: string): boolean {
  const norm = (name: string) => {
    const lower = name.trim().toLowerCase();
    const lastSegment = lower.slice(lower.lastIndexOf("/") + 1);
    return lastSegment.includes(":") ? lower : `${lower}:latest`;
  };
  return norm(a) === norm(b);
}

/**
 * Whether a failed call is worth repeating: a 5xx (a busy queue, a runner that crashed and is
 * restarting) or a connection that failed or was reset. A 4xx (model not pulled, bad request)
 * will fail the same way again, and a timeout already waited long enough.
 */
export function isTransientOllamaFailure(err: unknown): boolean {
  const cause = err instanceof UserError ? err.cause : err;
  if (cause instanceof OllamaConnectionError) return true;
  if (isResponseError(cause)) return cause.status_code >= 500;
  return false;
}

/** What identifies an embedding model beyond its name: the digest of the weights Ollama holds. */
export interface ModelIdentity {
  /** The name as the server lists it, e.g. "bge-m3:latest". */
  name: string;
  digest: string | null;
}

/** The pulled model `model` names (name and name:latest are one), or the not-pulled UserError. */
export async function describeModel(client: OllamaClient, model: string): Promise<ModelIdentity> {
  let models: Array<{ name?: string; model?: string; digest?: string }>;
  try {
    models = await client.listModels();
  } catch (err) {
    throw toOllamaUserError(err, client.errorContext());
  }
  const found = models.find(
    (m) =>
      (typeof m.name === "string" && sameModelName(m.name, model)) ||
      (typeof m.model === "string" && sameModelName(m.model, model)),
  );
  if (!found) throw modelMissingError(model);
  return {
    name: found.name ?? found.model ?? model,
    digest: typeof found.digest === "string" ? found.digest : null,
  };
}

/**
 * Start-up check of the models the settings name: one line per missing or unreachable model,
 * for the log and for /help. Empty when all are pulled. Never throws: a bot whose Ollama is down
 * still answers (extractively) and says why.
 */
export async function checkConfiguredModels(client: OllamaClient, models: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const model of models) {
    try {
      await describeModel(client, model);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      if (err instanceof UserError && err.code === "ollama-unreachable") break;
    }
  }
  return problems;
}

/** Asks /api/tags whether `model` is pulled; throws the not-pulled UserError when it is not. */
export async function ensureModelPulled(client: OllamaClient, model: string): Promise<void> {
  let models: Array<{ name?: string; model?: string }>;
  try {
    models = await client.listModels();
  } catch (err) {
    throw toOllamaUserError(err, client.errorContext());
  }
  const found = models.some(
    (m) =>
      (typeof m.name === "string" && sameModelName(m.name, model)) ||
      (typeof m.model === "string" && sameModelName(m.model, model)),
  );
  if (!found) throw modelMissingError(model);
}

interface ResponseErrorLike extends Error {
  status_code: number;
}

// ollama-js does not export ResponseError, so recognise it by shape.
function isResponseError(err: unknown): err is ResponseErrorLike {
  return (
    err instanceof Error &&
    err.name === "ResponseError" &&
    typeof (err as Partial<ResponseErrorLike>).status_code === "number"
  );
}

function formatSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED …) in `cause`.
  const inner = (cause as { cause?: unknown }).cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${inner.message}` : inner.message;
  }
  return cause.message;
}

/**
 * FakeOllama: a local server that speaks Ollama's HTTP API, so tests run the real `ollama` client
 * end to end. It listens on 127.0.0.1 only, on a free port.
 *
 *   const fake = new FakeOllama({ models: ["bge-m3", "qwen2.5:7b"], dimension: 64 });
 *   const { url } = await fake.start();          // "http://127.0.0.1:<port>": pass it as host
 *   ...
 *   await fake.close();                          // also drops requests left hanging
 *
 * Endpoints: GET /api/tags, GET /api/version, POST /api/show, POST /api/embed (input: string or
 * string[]), POST /api/chat (NDJSON stream: one line per content delta, then a `done:true` line
 * with done_reason and durations; a single JSON object when `stream: false`). A model not in
 * `models` gets 404 {"error":"model 'x' not found, try pulling it first"} ("x" also matches
 * "x:latest").
 *
 * Controls (plain fields; change them at any time):
 *   models        model names that exist
 *   dimension     embedding size. Vectors are feature-hashed words and CJK characters and
 *                 bigrams, L2-normalised: deterministic, and texts sharing words are closer.
 *                 `fakeEmbedding(text, dimension)` gives the same vector without a server.
 *   latencyMs     wait before answering each request
 *   tokenDelayMs  wait between streamed chat lines
 *   chatReply     the assistant's text: a string, or a function of the request body
 *   streamError   { afterTokens, message }: after that many deltas, an {"error"} line (HTTP 200)
 *   hang          true: accept requests and never answer; { afterTokens }: stream that many
 *                 deltas, then stall
 *   failNext(status, count = 1, message?)  the next `count` requests get `status` and {"error"}
 * Observations: `requests` (method, path, parsed body, `at` = performance.now()), `inFlight`,
 * `maxInFlight`. `reset()` clears observations and restores the controls given to the constructor.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or undefined for none. */
  body: unknown;
  at: number;
}

export interface FakeOllamaOptions {
  models?: string[];
  dimension?: number;
  latencyMs?: number;
  tokenDelayMs?: number;
  chatReply?: string | ((request: FakeChatRequest) => string);
}

const DEFAULT_MODELS = ["bge-m3", "qwen2.5:7b"];
const DEFAULT_REPLY = "This is a fake answer [1].";

export class FakeOllama {
  models: string[] = [];
  /** Digests to report for models (a model "pulled again" under the same name gets a new one). */
  digests = new Map<string, string>();
  dimension = 0;
  latencyMs = 0;
  tokenDelayMs = 0;
  chatReply: string | ((request: FakeChatRequest) => string) = DEFAULT_REPLY;
  streamError: { afterTokens: number; message: string } | null = null;
  hang: boolean | { afterTokens: number } = false;

  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;

  private failures: Array<{ status: number; message: string | undefined }> = [];
  private server: Server | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly initial: FakeOllamaOptions = {}) {
    this.reset();
  }

  /** The next `count` requests answer `status` with {"error": message}. */
  failNext(status: number, count = 1, message?: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, message });
  }

  reset(): void {
    this.models = [...(this.initial.models ?? DEFAULT_MODELS)];
    this.dimension = this.initial.dimension ?? 32;
    this.latencyMs = this.initial.latencyMs ?? 0;
    this.tokenDelayMs = this.initial.tokenDelayMs ?? 0;
    this.chatReply = this.initial.chatReply ?? DEFAULT_REPLY;
    this.streamError = null;
    this.hang = false;
    this.failures = [];
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /** Requests to one path, e.g. `fake.requestsTo("/api/embed")`. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<{ url: string }> {
    if (this.server) throw new Error("FakeOllama already started");
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: `fake server error: ${String(err)}` });
        else res.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}` };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once("close", () => {
      this.inFlight--;
    });

    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    this.requests.push({ method: req.method ?? "GET", path, body, at: performance.now() });

    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (this.hang === true || res.destroyed) return;
    const failure = this.failures.shift();
    if (failure) {
      sendJson(res, failure.status, { error: failure.message ?? defaultErrorMessage(failure.status) });
      return;
    }
    if (badJson) {
      sendJson(res, 400, { error: "invalid character in request body" });
      return;
    }

    const route = `${req.method} ${path}`;
    switch (route) {
      case "GET /api/tags":
        sendJson(res, 200, { models: this.models.map((name) => modelEntry(name, this.digests)) });
        return;
      case "GET /api/version":
        sendJson(res, 200, { version: "0.0.0-fake" });
        return;
      case "POST /api/show":
      case "POST /api/embed":
      case "POST /api/chat":
        break;
      default:
        res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found");
        return;
    }

    const request = (body ?? {}) as Record<string, unknown>;
    const model = typeof request.model === "string" ? request.model : "";
    if (model === "") {
      sendJson(res, 400, { error: "model is required" });
      return;
    }
    if (!this.models.some((m) => sameModel(m, model))) {
      sendJson(res, 404, { error: `model '${model}' not found, try pulling it first` });
      return;
    }

    if (path === "/api/show") {
      sendJson(res, 200, {
        modelfile: `FROM ${model}`,
        parameters: "",
        template: "{{ .Prompt }}",
        details: modelEntry(model, this.digests).details,
        model_info: { "general.architecture": "fake", "fake.embedding_length": this.dimension },
        capabilities: ["completion", "embedding"],
      });
    } else if (path === "/api/embed") {
      this.embed(res, model, request);
    } else {
      await this.chat(res, request as FakeChatRequest);
    }
  }

  private embed(res: ServerResponse, model: string, request: Record<string, unknown>): void {
    const input = request.input;
    const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input : undefined;
    if (texts === undefined || texts.some((t) => typeof t !== "string")) {
      sendJson(res, 400, { error: "invalid input type" });
      return;
    }
    const strings = texts as string[];
    sendJson(res, 200, {
      model,
      embeddings: strings.map((t) => fakeEmbedding(t, this.dimension)),
      total_duration: 1_000_000 * strings.length,
      load_duration: 100_000,
      prompt_eval_count: strings.reduce((n, t) => n + t.length, 0),
    });
  }

  private async chat(res: ServerResponse, request: FakeChatRequest): Promise<void> {
    const reply = typeof this.chatReply === "function" ? this.chatReply(request) : this.chatReply;
    const promptChars = (request.messages ?? []).reduce((n, m) => n + String(m.content ?? "").length, 0);
    const stats = {
      total_duration: 5_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: promptChars,
      prompt_eval_duration: 1_000_000,
      eval_count: 0,
      eval_duration: 3_000_000,
    };
    const base = () => ({ model: request.model, created_at: new Date().toISOString() });
    const deltas = splitTokens(reply);

    if (request.stream === false) {
      sendJson(res, 200, {
        ...base(),
        message: { role: "assistant", content: reply },
        done_reason: "stop",
        done: true,
        ...stats,
        eval_count: deltas.length,
      });
      return;
    }

    res.writeHead(200, { "Content-Type": "application/x-ndjson" });
    const hang = this.hang;
    const streamError = this.streamError;
    for (const [i, content] of deltas.entries()) {
      if (typeof hang === "object" && i === hang.afterTokens) return;
      if (streamError && i === streamError.afterTokens) {
        res.end(`${JSON.stringify({ error: streamError.message })}\n`);
        return;
      }
      if (i > 0 && this.tokenDelayMs > 0) await this.sleep(this.tokenDelayMs);
      if (res.destroyed) return;
      res.write(`${JSON.stringify({ ...base(), message: { role: "assistant", content }, done: false })}\n`);
    }
    if (typeof hang === "object" && hang.afterTokens >= deltas.length) return;
    if (streamError && streamError.afterTokens >= deltas.length) {
      res.end(`${JSON.stringify({ error: streamError.message })}\n`);
      return;
    }
    if (this.tokenDelayMs > 0) await this.sleep(this.tokenDelayMs);
    if (res.destroyed) return;
    res.end(
      `${JSON.stringify({
        ...base(),
        message: { role: "assistant", content: "" },
        done_reason: "stop",
        done: true,
        ...stats,
        eval_count: deltas.length,
      })}\n`,
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

/** The vector FakeOllama returns for `text`. */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const v = new Array<number>(dimension).fill(0);
  const normalised = text.normalize("NFKC").toLowerCase();
  const features: string[] = normalised.match(/[a-z0-9]+/g) ?? [];
  const cjk = Array.from(normalised).filter((ch) => /\p{Script=Han}/u.test(ch));
  for (let i = 0; i < cjk.length; i++) {
    features.push(cjk[i]!);
    if (i + 1 < cjk.length) features.push(cjk[i]! + cjk[i + 1]!);
  }
  for (const f of features) {
    const h = fnv1a(f);
    v[h % dimension]! += fnv1a(`sign:${f}`) & 1 ? 1 : -1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  if (norm === 0) {
    v[0] = 1;
    return v;
  }
  return v.map((x) => x / norm);
}

/** Deltas as a model streams them: one per CJK character, one per word with its leading space. */
function splitTokens(text: string): string[] {
  return (
    text.match(
      /\s*(?:[\p{Script=Han}\u3000-\u303f\uff00-\uffef]|[^\s\p{Script=Han}\u3000-\u303f\uff00-\uffef]+)|\s+/gu,
    ) ?? []
  );
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(s, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function sameModel(a: string, b: string): boolean {
  const norm = (n: string) => (n.includes(":") ? n.toLowerCase() : `${n.toLowerCase()}:latest`);
  return norm(a) === norm(b);
}

function modelEntry(name: string, digests: Map<string, string>) {
  const full = name.includes(":") ? name : `${name}:latest`;
  const pulled = [...digests.entries()].find(([n]) => sameModel(n, full))?.[1];
  return {
    name: full,
    model: full,
    modified_at: "2024-01-01T00:00:00Z",
    size: 1_000_000,
    digest: pulled ?? fnv1a(full).toString(16).padStart(8, "0").repeat(8),
    details: {
      parent_model: "",
      format: "gguf",
      family: "fake",
      families: ["fake"],
      parameter_size: "1B",
      quantization_level: "Q4_0",
    },
  };
}

function defaultErrorMessage(status: number): string {
  if (status === 503) return "server busy, please try again.  maximum pending requests exceeded";
  return `fake error ${status}`;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(value));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

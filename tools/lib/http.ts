// Keep-alive HTTP for the tools: one undici Pool per target, as many connections as the concurrency bound.
import { Pool } from 'undici';

export type Headers = Record<string, string>;

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Headers;
  /** A JSON string (built once by the caller so the hot loop does not re-serialise). */
  body?: string;
  /** Parse the body even on success (sign-in, preflight); otherwise only error bodies are parsed. */
  wantBody?: boolean;
}

export interface HttpResponse {
  /** 0 when no HTTP answer arrived (connection refused, reset, timeout). */
  status: number;
  body?: unknown;
  /** The socket-level error code (e.g. ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT) when status is 0. */
  networkError?: string;
  /** Wall time from send to the end of the body, in ms. */
  ms: number;
}

export interface HttpClientOptions {
  connections: number;
  timeoutMs?: number;
}

export class HttpClient {
  readonly origin: string;
  private readonly pool: Pool;

  constructor(baseUrl: string, options: HttpClientOptions) {
    this.origin = new URL(baseUrl).origin;
    const timeout = options.timeoutMs ?? 10_000;
    this.pool = new Pool(this.origin, {
      connections: options.connections,
      pipelining: 1,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connectTimeout: timeout,
      keepAliveTimeout: 30_000,
    });
  }

  /**
   * Sends through undici's low-level dispatch API rather than `request()`: no Readable stream per response, which
   * is most of the per-request cost on loopback (the engine must not be the bottleneck). Never rejects.
   */
  send(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve) => {
      const exchange = new Exchange(resolve, req.wantBody === true);
      try {
        // The request object itself is the dispatch options (built once by the caller, not per send).
        this.pool.dispatch(req, exchange);
      } catch (err) {
        exchange.onResponseError(undefined, err as Error);
      }
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One request's undici handler: a class, so the hot path allocates one object instead of a closure per callback. */
class Exchange {
  private readonly started = performance.now();
  private status = 0;
  private chunks: Buffer[] | undefined;

  constructor(private readonly resolve: (res: HttpResponse) => void, private keep: boolean) {}

  // Its presence selects undici's controller-style handler API.
  onRequestStart(): void {}

  onResponseStart(_controller: unknown, statusCode: number): void {
    this.status = statusCode;
    if (statusCode >= 400) this.keep = true;
  }

  onResponseData(_controller: unknown, chunk: Buffer): void {
    if (this.keep) (this.chunks ??= []).push(chunk);
  }

  onResponseEnd(): void {
    const body = this.chunks ? parseJson(Buffer.concat(this.chunks).toString('utf8')) : undefined;
    this.resolve({ status: this.status, body, ms: performance.now() - this.started });
  }

  onResponseError(_controller: unknown, err: Error): void {
    this.resolve({ status: 0, networkError: networkErrorCode(err), ms: performance.now() - this.started });
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function networkErrorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  return e?.code ?? e?.cause?.code ?? e?.message ?? 'UNKNOWN';
}

/** `{ ok:false, error:{ code } }` → code, else undefined. */
export function apiErrorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

/** `{ ok:true, data }` → data, else undefined. */
export function envelopeData<T>(body: unknown): T | undefined {
  const b = body as { ok?: unknown; data?: T } | undefined;
  return b?.ok === true ? b.data : undefined;
}

/** One HTTP exchange as the fault tests judge it. */
export interface Exchange {
  readonly label: string;
  /** ms (performance.now()) when the request was sent and when its answer (or failure) arrived. */
  readonly sentAt: number;
  readonly doneAt: number;
  /** 0 when no HTTP answer came (connection failed, or it hung past the client timeout). */
  readonly status: number;
  readonly contentType: string;
  readonly retryAfter: string | null;
  readonly body: unknown;
  readonly failure?: string;
}

/** Longer than any answer may take: a request still open by then counts as hung. */
const CLIENT_TIMEOUT_MS = 10_000;

/** Sends requests to the server under test and keeps every exchange for the assertions. */
export class HttpRecorder {
  readonly exchanges: Exchange[] = [];

  constructor(private readonly baseUrl: string) {}

  async send(
    label: string,
    method: string,
    path: string,
    options: { headers?: Record<string, string>; json?: unknown } = {},
  ): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.json !== undefined) headers["content-type"] = "application/json";
    const sentAt = performance.now();
    let exchange: Exchange;
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
        redirect: "manual",
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      const text = await response.text();
      const contentType = response.headers.get("content-type") ?? "";
      exchange = {
        label,
        sentAt,
        doneAt: performance.now(),
        status: response.status,
        contentType,
        retryAfter: response.headers.get("retry-after"),
        body: contentType.includes("json") && text ? (JSON.parse(text) as unknown) : text,
      };
    } catch (error) {
      exchange = {
        label,
        sentAt,
        doneAt: performance.now(),
        status: 0,
        contentType: "",
        retryAfter: null,
        body: null,
        failure: String(error),
      };
    }
    this.exchanges.push(exchange);
    return exchange;
  }
}

/** The problem `code` of a problem+json answer, if it is one. */
export function problemCode(exchange: Exchange): string | undefined {
  const body = exchange.body as { code?: unknown } | null;
  return exchange.contentType.startsWith("application/problem+json") && typeof body?.code === "string" ? body.code : undefined;
}

/** True for the promised outage answer: 503 problem+json, code database_unavailable, a Retry-After in seconds. */
export function isDatabaseUnavailable(exchange: Exchange): boolean {
  return exchange.status === 503 && problemCode(exchange) === "database_unavailable" && /^\d+$/.test(exchange.retryAfter ?? "");
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

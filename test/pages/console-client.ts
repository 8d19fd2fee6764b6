import type { TestApp } from "../support/test-app.js";

export interface PageAnswer {
  readonly status: number;
  readonly location: string | null;
  readonly text: string;
}

/**
 * A browser, as far as our forms go: a cookie jar, same-origin POSTs of
 * urlencoded forms, redirects not followed (each answer is checked).
 */
export class PageClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly app: TestApp) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** The named cookie's value (e.g. to see that sign-out cleared the session). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async get(path: string): Promise<PageAnswer> {
    return this.send(path, { method: "GET" });
  }

  async post(path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<PageAnswer> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) body.append(name, item);
    return this.send(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.app.baseUrl, ...headers },
      body: body.toString(),
    });
  }

  /** The CSRF token of a page's forms (GETting it sets this browser's CSRF cookie). */
  async csrfToken(path = "/"): Promise<string> {
    const page = await this.get(path);
    const token = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (${page.status})`);
    return token;
  }

  /** Signs in through the sign-in page, as a person would. */
  async signIn(email: string, password: string): Promise<PageAnswer> {
    const csrf = await this.csrfToken("/account/sign-in");
    return this.post("/account/sign-in", { csrf, email, password, return_to: "/" });
  }

  private async send(path: string, init: RequestInit): Promise<PageAnswer> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", this.cookieHeader);
    const response = await fetch(`${this.app.baseUrl}${path}`, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const [name, ...value] = pair!.trim().split("=");
      const expired = attributes.some(
        (attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=thu, 01 jan 1970/i.test(attribute),
      );
      if (expired || value.join("=") === "") this.cookies.delete(name!);
      else this.cookies.set(name!, value.join("="));
    }
    return { status: response.status, location: response.headers.get("location"), text: await response.text() };
  }
}

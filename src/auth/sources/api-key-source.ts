import type { Request } from "express";
import type { ApiKeyResolver } from "../api-key-principal.js";
import type { Principal } from "../principal.js";
import type { PrincipalSource } from "./principal-source.js";
import { unauthorized } from "./unauthorized.js";

/** `x-api-key`: a key Better Auth issued, its metadata naming the store and scopes (see api-key-principal.ts). */
export class ApiKeySource implements PrincipalSource {
  readonly name = "api-key";

  constructor(
    private readonly apiKeys: ApiKeyResolver,
    /** API_PUBLIC_URL's origin, for the 401's challenge. */
    private readonly publicOrigin: string,
  ) {}

  matches(req: Request): boolean {
    return req.get("x-api-key") !== undefined;
  }

  resolve(req: Request): Principal | Promise<Principal> {
    const principal = this.apiKeys.resolveNow(req.get("x-api-key") ?? "");
    return principal instanceof Promise ? principal.then((resolved) => this.accept(resolved)) : this.accept(principal);
  }

  private accept(principal: Principal | null): Principal {
    if (!principal)
      throw unauthorized(
        this.publicOrigin,
        "invalid_api_key",
        "The API key is unknown, disabled, expired, or no longer valid for its store.",
      );
    return principal;
  }
}

/** Where a signed-in merchant lists and registers passkeys (named in refusals that need one). */
export const PASSKEYS_PAGE_PATH = "/account/passkeys";

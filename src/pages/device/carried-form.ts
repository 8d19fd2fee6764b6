import { isCapabilityName } from "../../../generated/capabilities.js";
import { LIMIT_FIELDS } from "../../agents/limits/limits-form.js";
import type { CsrfGuard } from "../csrf.js";
import type { EnteredLimits } from "../limits-views.js";

/**
 * What the merchant chose on the approval form, shown again when the form
 * comes back to them: after a refusal (a limit out of range, a stale
 * sign-in) and across the sign-in page. Without it the page would start
 * again with every box ticked and the limits reset, and a merchant who only
 * signs in again and presses "Approve" would approve more than they meant.
 */
export interface CarriedForm {
  /** The capabilities ticked (only these come back ticked, possibly none). */
  readonly capabilities: readonly string[];
  readonly organizationId: string | undefined;
  /** The limit fields as typed, when the form had the limits fieldset. */
  readonly limits: EnteredLimits | undefined;
}

const PURPOSE = "device-approval-form";
/** Far more than a real form (18 capability names, a store id, six short fields). */
const MAX_CARRIED_LENGTH = 4_000;
const LIMIT_FIELD_NAMES = Object.values(LIMIT_FIELDS).filter((name) => name !== LIMIT_FIELDS.marker);

/** The choices of a posted approval form (capability names of this API only). */
export function carriedFromForm(form: Readonly<Record<string, unknown>>): CarriedForm {
  const capabilities = ([] as unknown[])
    .concat(form.capabilities ?? [])
    .filter((item): item is string => typeof item === "string" && isCapabilityName(item));
  const limits =
    form[LIMIT_FIELDS.marker] === undefined
      ? undefined
      : Object.fromEntries(
          LIMIT_FIELD_NAMES.flatMap((name) => (typeof form[name] === "string" ? [[name, (form[name] as string).slice(0, 64)]] : [])),
        );
  return {
    capabilities: [...new Set(capabilities)],
    organizationId: typeof form.organization_id === "string" ? form.organization_id.slice(0, 128) : undefined,
    limits,
  };
}

/**
 * Query parameters that bring `carried` back to the approval form of
 * `subject` (the agent's id on the device page, `ciba:<approval id>` in the
 * inbox): the choices, sealed with the server secret. A link someone else
 * made (an agent could print one) cannot preset the form: an unsealed or
 * altered one is ignored.
 */
export function carryParams(csrf: CsrfGuard, subject: string, carried: CarriedForm): Record<string, string> {
  const resume = Buffer.from(JSON.stringify(carried)).toString("base64url");
  return { resume, resume_seal: csrf.seal(PURPOSE, `${subject}:${resume}`) };
}

/** The choices a sealed link carries for this approval form, else undefined (the page's defaults). */
export function carriedFromQuery(csrf: CsrfGuard, subject: string, query: Readonly<Record<string, unknown>>): CarriedForm | undefined {
  const { resume, resume_seal: seal } = query;
  if (typeof resume !== "string" || typeof seal !== "string" || resume.length > MAX_CARRIED_LENGTH) return undefined;
  if (!csrf.opens(PURPOSE, `${subject}:${resume}`, seal)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(resume, "base64url").toString("utf8")) as Record<string, unknown>;
    return carriedFromForm({
      capabilities: parsed.capabilities,
      organization_id: parsed.organizationId,
      ...(parsed.limits && typeof parsed.limits === "object" ? { [LIMIT_FIELDS.marker]: "1", ...(parsed.limits as object) } : {}),
    });
  } catch {
    return undefined;
  }
}

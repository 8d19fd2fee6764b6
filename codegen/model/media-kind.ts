import type { BodyKind } from "./operation-model.js";

/**
 * Classifies a media type by how the router must parse it. Structured
 * suffixes (RFC 6839) count: `application/problem+json` is JSON.
 */
export function mediaKind(contentType: string): BodyKind {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  if (type.startsWith("multipart/")) return "unsupported";
  if (type.startsWith("text/")) return "text";
  return "binary";
}

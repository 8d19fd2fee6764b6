import { html, type SafeHtml } from "./html.js";

/** A UTC timestamp people can read, with the exact instant for machines (no client script to localize it). */
export function timeTag(date: Date | null, never = "never"): SafeHtml {
  if (!date || Number.isNaN(date.getTime())) return html`${never}`;
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace("T", " ")} UTC</time>`;
}

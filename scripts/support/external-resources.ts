/**
 * The URLs of other sites an HTML page would load by itself: `src` of any
 * element (scripts, images, frames), `href` of `<link>` (style sheets,
 * preloads, icons) and `url(…)` in inline styles. Links a reader may follow
 * (`<a href>`) are not loads and are not listed.
 *
 * @example externalResources('<script src="https://cdn.example/x.js"></script>') // ["https://cdn.example/x.js"]
 */
export function externalResources(html: string): string[] {
  const found = [
    ...[...html.matchAll(/<[a-z][a-z0-9-]*\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)/gi)].map((match) => match[1]!),
    ...[...html.matchAll(/<link\b[^>]*?\shref\s*=\s*["']?([^"'\s>]+)/gi)].map((match) => match[1]!),
    ...[...html.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi)].map((match) => match[1]!),
  ];
  return [...new Set(found.filter((url) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(url) && !url.startsWith("data:")))];
}

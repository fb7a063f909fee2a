// Small HTML inspection helpers for page tests: attributes of tags, visible text, and accessibility ties.
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
export const decode = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ENTITIES[e] ?? _);

export type Attrs = Record<string, string>;

function parseAttrs(source: string): Attrs {
  const out: Attrs = {};
  for (const m of source.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[m[1]!.toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

// An opening or closing tag, honouring quoted attribute values (which may contain '>').
const TAG = /<\/?([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;

/** Every opening tag: name and attribute map. */
export const allTags = (html: string): Array<{ name: string; attrs: Attrs }> =>
  [...html.matchAll(TAG)].filter((m) => !m[0].startsWith('</')).map((m) => ({ name: m[1]!.toLowerCase(), attrs: parseAttrs(m[2] ?? '') }));

/** Every opening tag of that name, as attribute maps. */
export const tags = (html: string, name: string): Attrs[] => allTags(html).filter((t) => t.name === name.toLowerCase()).map((t) => t.attrs);

export const bodyAttrs = (html: string): Attrs => tags(html, 'body')[0] ?? {};
export const htmlLang = (html: string): string | undefined => tags(html, 'html')[0]?.lang;

/** Visible text (tags removed, entities decoded, whitespace collapsed). */
export const text = (html: string): string =>
  decode(html.replace(/<head>[\s\S]*?<\/head>/i, ' ').replace(TAG, ' ')).replace(/\s+/g, ' ').trim();

/** The text of the element with that id. */
export function textOfId(html: string, id: string): string | undefined {
  const m = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m ? text(m[2]!) : undefined;
}

/** Problems: inputs without a label, duplicate ids, aria-describedby/labelledby pointing nowhere. */
export function accessibilityProblems(html: string): string[] {
  const problems: string[] = [];
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  const idSet = new Set(ids);
  if (idSet.size !== ids.length) problems.push(`duplicate ids: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
  const labelFor = new Set(tags(html, 'label').map((l) => l.for));
  for (const input of tags(html, 'input')) {
    if (input.type === 'hidden' || input.type === 'submit' || 'hidden' in input) continue;
    if (!input.id || !labelFor.has(input.id)) problems.push(`input ${input.name ?? '?'} has no <label for>`);
  }
  for (const m of html.matchAll(/aria-(?:describedby|labelledby)="([^"]*)"/g)) {
    for (const ref of m[1]!.split(/\s+/)) if (!idSet.has(ref)) problems.push(`aria reference to missing id ${ref}`);
  }
  return problems;
}

/** Anything the CSP (no inline script/style) would block. */
export function inlineCode(html: string): string[] {
  const found: string[] = [];
  if (/<style/i.test(html)) found.push('<style>');
  for (const { name, attrs } of allTags(html)) {
    if ('style' in attrs) found.push(`style attribute on <${name}>`);
    for (const a of Object.keys(attrs)) if (/^on[a-z]+$/.test(a)) found.push(`inline handler ${a} on <${name}>`);
    if (name === 'script' && !attrs.src) found.push('inline <script>');
    if (/^\s*javascript:/i.test(attrs.href ?? attrs.action ?? attrs.src ?? '')) found.push(`javascript: URL on <${name}>`);
  }
  return found;
}

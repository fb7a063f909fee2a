// Human CLI output shows stored data (labels, names) and echoed arguments: control characters and
// bidirectional overrides there could rewrite the terminal or disguise a line, so they are printed
// as visible escapes (`\x1b`, `\u202e`). `--json` output is exact and never passes through here.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_WITH_NEWLINES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (ch: string): string => {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with control characters shown as escapes; `\n` (and `\t`) kept unless `singleLine`. */
export function escapeControl(text: string, options: { singleLine?: boolean } = {}): string {
  return text.replace(options.singleLine ? UNSAFE_WITH_NEWLINES : UNSAFE, (ch) => (ch === '\t' && !options.singleLine ? ch : visible(ch)));
}

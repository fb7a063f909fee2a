// Durations as operators write them: plain seconds or a suffix (90s, 30m, 12h, 2d).
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parse a duration to milliseconds; returns undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = value * (UNIT_MS[unit] ?? 1000);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

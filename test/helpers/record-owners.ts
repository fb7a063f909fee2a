// Reads TypeScript sources for the "one owner per stored record" rule (ARCHITECTURE.md "Stores and
// keys"): which code outside a record's owner touches the session hash, the lock rule's fields or the
// maintenance hash. A small tokenizer separates code, comments and strings, so a comment that names a
// key or a field is not a finding, and Lua inside strings is read call by call.

export interface Source {
  path: string;
  text: string;
}

export interface Finding {
  path: string;
  rule:
    | 'session-key-in-lua'
    | 'user-key-in-lua'
    | 'keys-undeclared'
    | 'session-field-in-lua'
    | 'session-key-in-code'
    | 'lock-field'
    | 'maintenance-key'
    | 'owner-field-unknown';
  detail: string;
}

/** What the scan saw, so a test can tell that it read something (a scan of nothing finds nothing). */
export interface Coverage {
  luaStrings: number;
  redisCalls: number;
  /** Scripts (name → KEYS names) that take the session key, outside session/. */
  sessionScripts: Map<string, string[]>;
  /** Scripts (name → KEYS names) that take the user record's key, outside users/. */
  userScripts: Map<string, string[]>;
  /** Places outside session/ that name keys.session / keys.sessionEnded in code. */
  sessionKeyUses: number;
}

interface Token {
  kind: 'code' | 'string' | 'template' | 'comment';
  start: number;
  text: string;
}

/** Splits TypeScript into code, comments, quoted strings and template literals (inner text, no quotes). */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let code = '';
  let codeStart = 0;
  const flush = (at: number) => {
    if (code) out.push({ kind: 'code', start: codeStart, text: code });
    code = '';
    codeStart = at;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      flush(i);
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      out.push({ kind: 'comment', start: i, text: src.slice(i, stop) });
      i = stop;
      codeStart = i;
    } else if (c === '/' && next === '*') {
      flush(i);
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? src.length : end + 2;
      out.push({ kind: 'comment', start: i, text: src.slice(i, stop) });
      i = stop;
      codeStart = i;
    } else if (c === "'" || c === '"' || c === '`') {
      flush(i);
      let j = i + 1;
      let depth = 0;
      while (j < src.length) {
        const d = src[j]!;
        if (d === '\\') j += 2;
        else if (c === '`' && d === '$' && src[j + 1] === '{') {
          depth++;
          j += 2;
        } else if (c === '`' && depth > 0 && d === '}') {
          depth--;
          j++;
        } else if (d === c && depth === 0) break;
        else j++;
      }
      out.push({ kind: c === '`' ? 'template' : 'string', start: i, text: src.slice(i + 1, j) });
      i = j + 1;
      codeStart = i;
    } else if (c === '/' && /(^|[(,=:[!&|?{};]|\breturn)\s*$/.test(code)) {
      // A regular expression literal (it may hold quotes): kept as code, skipped as a whole.
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        const d = src[j]!;
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      if (!code) codeStart = i;
      code += src.slice(i, j + 1);
      i = j + 1;
    } else {
      if (!code) codeStart = i;
      code += c;
      i++;
    }
  }
  flush(src.length);
  return out;
}

/** The text from an opening bracket at `open` to its matching close (exclusive), or the rest. */
function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1);
}

/** Top-level comma-separated arguments of an argument list. */
function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let quote = '';
  for (const c of args) {
    if (quote) {
      cur += c;
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '(' || c === '{' || c === '[') {
      depth++;
      cur += c;
    } else if (c === ')' || c === '}' || c === ']') {
      depth--;
      cur += c;
    } else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Every `redis.call(...)` in a piece of Lua, as its arguments. */
export function redisCalls(lua: string): string[][] {
  const out: string[][] = [];
  for (const m of lua.matchAll(/redis\.p?call\s*\(/g)) out.push(splitArgs(balanced(lua, m.index + m[0].length - 1)));
  return out;
}

/** Lua text with every call of the owner's functions removed (what those calls pass is theirs). */
function withoutCalls(lua: string, prefix: RegExp): string {
  let out = lua;
  for (;;) {
    const m = new RegExp(`\\b(?:${prefix.source})\\w*\\s*\\(`).exec(out);
    if (!m) return out;
    const open = m.index + m[0].length - 1;
    const inner = balanced(out, open);
    out = out.slice(0, m.index) + '<owner-call>' + out.slice(open + inner.length + 2);
  }
}

/** The arguments of a call that name hash fields (HSET: every other one; HINCRBY: one; else all after the key). */
function fieldArgs(args: string[]): string[] {
  const command = (literal(args[0] ?? '') ?? '').toUpperCase();
  if (command === 'HSET' || command === 'HSETNX' || command === 'HMSET') return args.slice(2).filter((_, i) => i % 2 === 0);
  if (command === 'HINCRBY' || command === 'HINCRBYFLOAT') return args.slice(2, 3);
  return args.slice(2);
}

const literal = (arg: string): string | undefined => /^(['"])(.*)\1$/.exec(arg)?.[2];

/** The KEYS names of a script's doc comment ("KEYS: user, attempts, session."), or undefined. */
export function declaredKeys(doc: string): string[] | undefined {
  const flat = doc.replace(/^\s*\*+/gm, ' ').replace(/\s+/g, ' ');
  const m = /KEYS:\s*([^.→]*)/.exec(flat);
  if (!m) return undefined;
  return m[1]!.split(',').map((k) => k.trim()).filter(Boolean);
}

/**
 * Records a script outside their owner may take as KEYS (named so in its doc comment) but touch only
 * through the owner's Lua functions: the session (session/session-lua.ts) and the user record
 * (users/user-lua.ts, users/lock-rule.ts).
 */
const SCRIPT_RECORDS = [
  { rule: 'session-key-in-lua', owner: 'session', names: new Set(['session', 'session-ended']), prefix: /session_/ },
  { rule: 'user-key-in-lua', owner: 'users', names: new Set(['user']), prefix: /user_|lock_/ },
] as const;
const SESSION_ONLY_FIELDS = ['sid', 'cert', 'lastSeen'];
const LOCK_FIELD_NAMES = ['locked', 'lockedAt', 'lockedReason', 'failures'];

export interface Owners {
  /** Folder prefix owning the session hash. */
  session: string;
  /** Folder prefix owning the user record. */
  users: string;
  /** File owning the lock rule's fields. */
  lockRule: string;
  /** File owning the maintenance hash. */
  maintenance: string;
  /** Field names of each owner, to check the owner's own Lua for typos. */
  sessionFields: readonly string[];
  lockFields: readonly string[];
}

export function checkOwners(sources: Source[], owners: Owners): { findings: Finding[]; coverage: Coverage } {
  const findings: Finding[] = [];
  const coverage: Coverage = { luaStrings: 0, redisCalls: 0, sessionScripts: new Map(), userScripts: new Map(), sessionKeyUses: 0 };
  for (const { path, text } of sources) {
    const add = (rule: Finding['rule'], detail: string) => findings.push({ path, rule, detail });
    const inSession = path.startsWith(owners.session);
    const tokens = tokenize(text);
    const lua = tokens.filter((t) => (t.kind === 'string' || t.kind === 'template') && /redis\.p?call/.test(t.text));

    // Lua: field names and the key each call touches.
    for (const t of lua) {
      coverage.luaStrings++;
      const calls = redisCalls(t.text);
      coverage.redisCalls += calls.length;
      for (const args of calls) {
        const fields = fieldArgs(args).map(literal).filter((x): x is string => x !== undefined);
        if (!inSession && fields.some((f) => SESSION_ONLY_FIELDS.includes(f))) add('session-field-in-lua', `redis.call(${args.join(', ')})`);
        if (path !== owners.lockRule && fields.some((f) => LOCK_FIELD_NAMES.includes(f))) add('lock-field', `redis.call(${args.join(', ')})`);
        const command = literal(args[0] ?? '')?.toUpperCase() ?? '';
        const isHashField = /^H(SET|GET|MGET|DEL|INCRBY|EXISTS|SETNX)$/.test(command);
        if (isHashField && inSession && args[1] === 'session') {
          for (const f of fields) if (!owners.sessionFields.includes(f)) add('owner-field-unknown', `session field '${f}' is not in SESSION_FIELDS`);
        }
        if (isHashField && path === owners.lockRule && args[1] === 'user') {
          for (const f of fields) if (!owners.lockFields.includes(f)) add('owner-field-unknown', `lock field '${f}' is not in LOCK_FIELDS`);
        }
      }
    }

    // Scripts: a record's key goes only to its owner's Lua functions, unless the script is the owner's.
    for (const m of text.matchAll(/(\w+):\s*\{\s*numberOfKeys:\s*(\d+),\s*lua:\s*`/g)) {
      const name = m[1]!;
      const body = tokens.find((t) => t.kind === 'template' && t.start === m.index + m[0].length - 1)?.text ?? '';
      const names = declaredKeys(docBefore(text, m.index));
      const count = Number(m[2]);
      if (!names || names.length !== count) {
        add('keys-undeclared', `${name}: the doc comment must name its ${count} KEYS ("KEYS: a, b, …")`);
        continue;
      }
      for (const record of SCRIPT_RECORDS) {
        const ownerDir = record.owner === 'session' ? owners.session : owners.users;
        if (path.startsWith(ownerDir)) continue;
        const idx = names.flatMap((k, i) => (record.names.has(k) ? [i + 1] : []));
        for (const c of body.matchAll(new RegExp(`\\b(?:${record.prefix.source})\\w*\\s*\\(\\s*KEYS\\[(\\d+)\\]`, 'g'))) {
          if (!idx.includes(Number(c[1]))) add('keys-undeclared', `${name}: KEYS[${c[1]}] goes to a ${record.owner} fragment but is declared "${names[Number(c[1]) - 1]}"`);
        }
        if (idx.length === 0) continue;
        (record.owner === 'session' ? coverage.sessionScripts : coverage.userScripts).set(name, names);
        const rest = withoutCalls(body, record.prefix);
        for (const i of idx) {
          if (new RegExp(`KEYS\\[${i}\\]`).test(rest)) add(record.rule, `${name}: KEYS[${i}] (${names[i - 1]}) is used outside a call of the ${record.owner} fragments`);
        }
      }
    }

    // Code: the session key only as a script's argument (cg…) or in an audit entry's key list.
    const code = tokens.filter((t) => t.kind === 'code');
    if (!inSession) {
      for (const t of code) {
        for (const m of t.text.matchAll(/\bkeys\.session(?:Ended)?\b/g)) {
          coverage.sessionKeyUses++;
          if (!allowedSessionKeyUse(text, t.start + m.index)) add('session-key-in-code', lineOf(text, t.start + m.index));
        }
      }
    }
    if (path !== owners.maintenance) {
      for (const t of code) for (const m of t.text.matchAll(/\bkeys\.maintenance\b(?!Changed)/g)) add('maintenance-key', lineOf(text, t.start + m.index));
    }
    if (path !== owners.lockRule) {
      for (const t of tokens) if (t.kind === 'string' && (t.text === 'lockedAt' || t.text === 'lockedReason')) add('lock-field', lineOf(text, t.start));
    }
  }
  return { findings, coverage };
}

/** The doc comment (`/** … *\/`) right before `at`, or '' when there is none. */
function docBefore(text: string, at: number): string {
  const before = text.slice(0, at).trimEnd();
  if (!before.endsWith('*/')) return '';
  return before.slice(before.lastIndexOf('/**'));
}

function lineOf(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  return `line ${text.slice(0, at).split('\n').length}: ${text.slice(start, end === -1 ? undefined : end).trim()}`;
}

/** The innermost unclosed bracket before `at`, and the identifier just before it. */
function enclosing(text: string, at: number): { bracket: string; callee: string; at: number } | undefined {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return { bracket: c, callee: /([\w$]+)\s*$/.exec(text.slice(Math.max(0, i - 80), i))?.[1] ?? '', at: i };
      depth--;
    }
  }
  return undefined;
}

function allowedSessionKeyUse(text: string, at: number): boolean {
  const e = enclosing(text, at);
  if (!e) return false;
  // Passed to one of the Lua scripts (their names start with cg; scripts are checked above).
  if (e.bracket === '(' && /^cg\w+$/.test(e.callee)) return true;
  // Named in the key list of an audit entry (recordWrite waits for replicas of those keys, reads nothing).
  if (e.bracket === '[') {
    const outer = enclosing(text, e.at);
    return outer?.bracket === '(' && outer.callee === 'recordWrite';
  }
  return false;
}

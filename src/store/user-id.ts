// The shape of a user ID. No braces or colons: the ID goes inside the `{u:<userId>}` hash tag of every
// per-user key, which is why the rule lives beside the keys (users/ and session/ both apply it).
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const isUserId = (value: unknown): value is string => typeof value === 'string' && USER_ID_PATTERN.test(value);

export const USER_ID_RULE = 'a user ID is 1–64 characters: letters, digits, ".", "_", "@" or "-", starting with a letter or digit';

// The user-ID rule as users/ presents it. Defined in store/ (user-id.ts) because every per-user key
// embeds the ID in its `{u:<userId>}` hash tag, and session/ needs the rule without importing users/.
export { USER_ID_PATTERN, USER_ID_RULE, isUserId } from '../store/user-id.js';

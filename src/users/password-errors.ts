// The reasons a new password is refused, shared by the policy check and the password page.
export const PASSWORD_ERRORS = ['length', 'charset', 'classes', 'same-as-user-id', 'reused', 'mismatch', 'wrong-current'] as const;
export type PasswordError = (typeof PASSWORD_ERRORS)[number];

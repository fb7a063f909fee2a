// The roles a user can hold (CONTRACT.md `user add --role`) and what each is for.
export const ROLES = ['operator-admin', 'operator-staff', 'reviewer', 'market-reviewer'] as const;
export type Role = (typeof ROLES)[number];
export const DEFAULT_ROLE: Role = 'operator-staff';

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Roles of a business operator's own people; the market side (market-reviewer) never mixes with them. */
export const OPERATOR_ROLES: readonly Role[] = ['operator-admin', 'operator-staff'];
/** The market operator's reviewer: approves certificate applications (README "Applications"). */
export const MARKET_REVIEWER: Role = 'market-reviewer';
/** What an operator's administrator may grant in the browser (market-side roles only through the CLI). */
export const ADMIN_GRANTABLE: readonly Role[] = OPERATOR_ROLES;

/** A reason the role set is not allowed, or undefined. */
export function roleConflict(roles: readonly Role[]): string | undefined {
  if (roles.includes(MARKET_REVIEWER) && roles.some((r) => OPERATOR_ROLES.includes(r))) {
    return 'market-reviewer belongs to the market operator and cannot be combined with operator-admin or operator-staff';
  }
  return undefined;
}

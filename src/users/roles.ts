// The roles a user can hold (README "Roles", `user add --role`) and what each is for.
export const ROLES = ['operator-admin', 'operator-staff', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];
export const DEFAULT_ROLE: Role = 'operator-staff';

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

// The request state lives in the kernel (src/kernel/state.ts); this name stays for existing imports.
export type { GatewayState, GatewayContext, GatewayMiddleware, MaintenanceState } from '../kernel/state.js';

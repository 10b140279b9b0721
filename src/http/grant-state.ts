/** The grant state's codec lives with the grant step (src/grant/grant-state.ts); kept here for older imports. */
export { createGrantCodec, type GrantClaims, type GrantCodec } from '../grant/grant-state.js';

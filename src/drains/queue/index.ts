export { LeaseLost, type DrainLease } from './lease.js';
export { claimNextDrain } from './claim.js';
export { extendDrainLease } from './heartbeat.js';
export { fixPending } from './pending.js';
export { acknowledge } from './acknowledge.js';
export { MAX_CONSECUTIVE_FAILURES, recordFailure } from './failure.js';
export { releaseDrain } from './release.js';
export { recordManifest } from './manifest.js';

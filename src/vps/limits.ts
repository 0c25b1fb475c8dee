/** Documented request body limit of POST /api/vps/sync. */
export const MAX_SYNC_BODY_BYTES = 64 * 1024;

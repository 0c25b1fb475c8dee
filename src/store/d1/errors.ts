import { someCause, translateErrors } from '../shared/unavailable';

/**
 * D1's transient failures, as Cloudflare lists them for retrying: the connection to the
 * database dropped, its storage object was reset or restarted, or it is overloaded.
 */
const TRANSIENT = /Network connection lost|storage caused object to be reset|reset because its code was updated|overloaded|queued for too long|exceeded timeout/i;

const isD1Unavailable = (err: unknown) => someCause(err, (e) => TRANSIENT.test(e.message));

/** Wraps a D1 store: transient D1 failures become 503 + Retry-After. */
export const translateD1Errors = <S extends object>(store: S): S => translateErrors(store, 'D1', isD1Unavailable);

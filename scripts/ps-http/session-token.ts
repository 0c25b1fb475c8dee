import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { PsSession, PsVitessSession } from './protocol.js';

/** What the server needs to know from a client-held session. */
export interface SessionClaim {
  id: string;
  inTransaction: boolean;
}

/**
 * Issues and checks the opaque session objects the driver round-trips. Like
 * PlanetScale's, they are signed so a client cannot forge or edit one; the key is
 * derived from the credentials rather than random, so sessions stay valid across a
 * simulator restart (a long-lived app Connection keeps working) but are useless to
 * anyone holding different credentials.
 */
export class SessionTokens {
  private readonly key: Buffer;

  constructor(username: string, password: string) {
    this.key = createHmac('sha256', 'ps-http-sim session key').update(`${username}\0${password}`).digest();
  }

  issue(claim: SessionClaim): PsSession {
    const vitessSession: PsVitessSession = {
      sessionUUID: claim.id,
      autocommit: true,
      options: { includedFields: 'ALL', clientFoundRows: true },
    };
    if (claim.inTransaction) vitessSession.inTransaction = true;
    return { signature: this.sign(vitessSession), vitessSession };
  }

  fresh(): PsSession {
    return this.issue({ id: randomUUID(), inTransaction: false });
  }

  /** `null` when the value is not a session this server (with these credentials) issued unchanged. */
  verify(value: unknown): SessionClaim | null {
    if (typeof value !== 'object' || value === null) return null;
    const { signature, vitessSession } = value as { signature?: unknown; vitessSession?: unknown };
    if (typeof signature !== 'string' || typeof vitessSession !== 'object' || vitessSession === null) return null;
    const session = vitessSession as Partial<PsVitessSession>;
    if (typeof session.sessionUUID !== 'string') return null;
    const rebuilt = this.issue({ id: session.sessionUUID, inTransaction: session.inTransaction === true });
    const expected = Buffer.from(rebuilt.signature);
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { id: session.sessionUUID, inTransaction: session.inTransaction === true };
  }

  private sign(session: PsVitessSession): string {
    // Field order is fixed by issue(), so the canonical form is just the fields that matter.
    const canonical = `${session.sessionUUID}|${session.inTransaction === true ? 1 : 0}`;
    return createHmac('sha256', this.key).update(canonical).digest('base64url');
  }
}

/** Session ids: 32 lowercase hex characters (16 random bytes), like Calls' (calls-api.md §1). */

const SESSION_ID = /^[0-9a-f]{32}$/;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A new random session id from `crypto.getRandomValues` (Web Crypto; no Node import). */
export function generateSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const byte of bytes) id += HEX[byte] as string;
  return id;
}

/** Whether `value` has the shape of a session id (it may still name no session). */
export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

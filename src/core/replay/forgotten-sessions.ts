/**
 * The ids of sessions the streaming replay no longer holds, as 53-bit hashes (cyrb53): about 40 bytes a session
 * instead of the session. A hash collision can only make `has` true for a session never seen, which the replay
 * refuses loudly; a forgotten session is never taken for a new one.
 */
export class ForgottenSessions {
  private readonly hashes = new Set<number>();

  get size(): number {
    return this.hashes.size;
  }

  add(sessionId: string): void {
    this.hashes.add(cyrb53(sessionId));
  }

  has(sessionId: string): boolean {
    return this.hashes.size > 0 && this.hashes.has(cyrb53(sessionId));
  }
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

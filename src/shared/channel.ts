/**
 * The envelope every webview panel speaks, in both directions, and the requester's half of it.
 *
 * A message is discriminated on `type`. A notification is just its body. A request carries an
 * `id` beside its fields; it is answered by exactly one `reply` with that id, which resolves (ok)
 * or rejects (error) the requester's promise. Pending requests are rejected when the channel is
 * disposed (the panel closed), so no promise waits forever and no entry stays in the map.
 * Imports nothing: the host and the page bundles both take it.
 */
export type Reply = { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: string };

/** Validates a reply from the other side (it is untrusted input like any message). */
export function parseReply(x: unknown): Reply {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error('message must be an object');
  const o = x as Record<string, unknown>;
  if (o.type !== 'reply' || typeof o.id !== 'number' || !Number.isInteger(o.id)) throw new Error('reply needs an integer id');
  for (const k of Object.keys(o)) if (!['type', 'id', 'ok', 'value', 'error'].includes(k)) throw new Error(`unexpected field ${k}`);
  if (o.ok === true) return { type: 'reply', id: o.id, ok: true, value: o.value };
  if (o.ok === false && typeof o.error === 'string') return { type: 'reply', id: o.id, ok: false, error: o.error.slice(0, 10_000) };
  throw new Error('reply must be ok, or carry an error string');
}

/**
 * Requests this side sent and whose replies it awaits, paired by id: a webview page's requests to
 * the host, and the host's requests to its training worker.
 */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private closedWith: unknown = null;

  /** Sends the request through `send(id)` and resolves with its answer. */
  request<T>(send: (id: number) => void): Promise<T> {
    if (this.closedWith !== null) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send(id);
    });
  }

  has(id: number): boolean {
    return this.pending.has(id);
  }

  /** Answers request `id`; an answer to nothing pending (a rebuilt page's, say) is ignored. */
  resolve(id: number, value: unknown): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.resolve(value);
  }

  reject(id: number, error: unknown): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.reject(error);
  }

  /** Settles the request a validated reply answers. */
  settle(r: Reply): void {
    if (r.ok) this.resolve(r.id, r.value);
    else this.reject(r.id, new Error(r.error));
  }

  /** Ids still waiting for an answer. */
  ids(): number[] {
    return [...this.pending.keys()];
  }

  /** Rejects every pending request with `error`, and every later one: the other side is gone. */
  close(error: unknown): void {
    this.closedWith ??= error;
    for (const id of this.ids()) this.reject(id, error);
  }
}

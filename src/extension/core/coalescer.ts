/**
 * What a panel sends its page while training, coalesced: news (`add`) merges into one pending
 * delta, a change that is not news (`replace`) makes the next message the whole state, and the
 * message goes out at most once per `ms` (the course's loop reports thousands of steps a second;
 * a page drawing every one would fall behind). `flush` sends at once (a new phase). Nothing is
 * pending while the page is not ready: it is sent the whole state when it is. No `vscode` import,
 * so it is tested with mocked timers (test/extension/core/coalescer.test.ts).
 */
export interface CoalescerSink<D> {
  /** Whether the page can take messages (loaded, not closed). */
  ready(): boolean;
  whole(): void;
  delta(d: D): void;
}

export class Coalescer<D> {
  private pending: D | null = null;
  private replaced = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ms: number,
    private readonly merge: (a: D, b: D) => D,
    private readonly sink: CoalescerSink<D>,
  ) {}

  /** News since the last message: sent, merged with any other, within `ms`. */
  add(d: D): void {
    if (!this.sink.ready()) return;
    this.pending = this.pending ? this.merge(this.pending, d) : d;
    this.schedule();
  }

  /** The state changed otherwise: the next message is the whole state, within `ms`. */
  replace(): void {
    this.replaced = true;
    this.schedule();
  }

  /** Sends what is pending now. */
  flush(): void {
    this.cancel();
    if (!this.sink.ready()) return;
    if (this.replaced) this.sink.whole();
    else if (this.pending) this.sink.delta(this.pending);
    this.reset();
  }

  /** The page was just sent the whole state (it loaded): nothing is pending. */
  reset(): void {
    this.pending = null;
    this.replaced = false;
  }

  /** Drops the timer (the panel closed). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.sink.ready()) this.timer ??= setTimeout(() => this.flush(), this.ms);
  }
}

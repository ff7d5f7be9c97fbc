/** Per-user cooldown for questions: one answer costs seconds of model time, so a user can't queue a burst. */
export class Cooldown {
  readonly #until = new Map<string, number>();

  constructor(
    readonly seconds: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Takes the user's turn: returns 0 and starts their cooldown when they may ask, otherwise the
   * whole seconds left (at least 1) without changing anything.
   */
  take(userId: string): number {
    if (this.seconds <= 0) return 0;
    const now = this.clock();
    const until = this.#until.get(userId);
    if (until !== undefined && until > now) return Math.max(1, Math.ceil((until - now) / 1000));
    this.#until.set(userId, now + this.seconds * 1000);
    this.#prune(now);
    return 0;
  }

  /** Keeps memory bounded by the number of users active within one cooldown period. */
  #prune(now: number): void {
    if (this.#until.size < 1000) return;
    for (const [user, until] of this.#until) if (until <= now) this.#until.delete(user);
  }
}

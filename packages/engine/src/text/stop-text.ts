// Watches streamed text for stop sequences. Text that might be the start of a stop sequence is held
// back until it is known not to be one, so a stop string never reaches the caller, even in pieces.

export interface StopCheck {
  /** Text that is now safe to emit. */
  text: string;
  /** True when a stop sequence completed; `text` then ends just before it. */
  stopped: boolean;
}

export class StopTextMatcher {
  private pending = "";

  constructor(private readonly stops: readonly string[]) {}

  push(text: string): StopCheck {
    this.pending += text;
    let cut = -1;
    for (const stop of this.stops) {
      const at = this.pending.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      const safe = this.pending.slice(0, cut);
      this.pending = "";
      return { text: safe, stopped: true };
    }
    const hold = this.partialMatchLength();
    const safe = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return { text: safe, stopped: false };
  }

  /** Releases held text when generation ends for another reason. */
  flush(): string {
    const rest = this.pending;
    this.pending = "";
    return rest;
  }

  /** Length of the longest suffix of the pending text that is a proper prefix of some stop sequence. */
  private partialMatchLength(): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, this.pending.length); n > longest; n--) {
        if (this.pending.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}

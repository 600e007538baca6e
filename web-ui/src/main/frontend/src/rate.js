// Events per second over the last minute, for the chart: one bucket per wall-clock second of
// arrival in the browser.

export class RateCounter {
  constructor(seconds = 60, now = () => Date.now()) {
    this.seconds = seconds;
    this.now = now;
    this.buckets = new Map();
  }

  count(n, kind = 'events') {
    const second = Math.floor(this.now() / 1000);
    const bucket = this.buckets.get(second) ?? { events: 0, dropped: 0 };
    bucket[kind] += n;
    this.buckets.set(second, bucket);
    for (const key of this.buckets.keys()) {
      if (key <= second - this.seconds) this.buckets.delete(key);
    }
  }

  /** One entry per second, oldest first, ending with the current (still filling) second. */
  series() {
    const current = Math.floor(this.now() / 1000);
    const out = [];
    for (let s = current - this.seconds + 1; s <= current; s++) {
      const bucket = this.buckets.get(s) ?? { events: 0, dropped: 0 };
      out.push({ second: s, events: bucket.events, dropped: bucket.dropped });
    }
    return out;
  }
}

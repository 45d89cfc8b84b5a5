// A prefix index: keys kept sorted so "every key starting with p" is a binary search plus a walk
// over the matches only — cost grows with the answer, not with the directory.

export class SortedIndex<T> {
  private keys: string[] = [];
  private values: T[] = [];

  constructor(entries: Iterable<[string, T]>) {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.keys = sorted.map(([key]) => key);
    this.values = sorted.map(([, value]) => value);
  }

  /** Values whose key starts with `prefix`, in key order, at most `limit`. */
  *prefix(prefix: string, limit = Number.POSITIVE_INFINITY): Generator<T> {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keys[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    let yielded = 0;
    for (let i = low; i < this.keys.length && yielded < limit && this.keys[i]!.startsWith(prefix); i++, yielded++) {
      yield this.values[i]!;
    }
  }
}

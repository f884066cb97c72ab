// @fileoverview Buffers handed out again once given back: reading hundreds of megabytes of cached reports into a
// fresh Buffer each costs the kernel a page fault per 4 KiB page (and glibc an mmap/munmap per buffer), about ten
// times the copy itself; a few buffers reused keep those pages mapped.

/** Buffers larger than this are not kept once given back (one odd entry does not pin its size in memory). */
const KEEP_MAX_BYTES = 64 * 1024 * 1024;
/** Buffers kept for reuse at most (the scan's files in flight need one each). */
const KEEP_MAX_COUNT = 32;

export class RecycledBuffers {
  private readonly free: Buffer[] = [];

  /** A buffer of at least `size` bytes (its contents are garbage): a freed one when one is large enough. */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i] as Buffer;
      if (b.length >= size && (best < 0 || b.length < (this.free[best] as Buffer).length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0] as Buffer;
    // Room to grow: the next entry is often a little larger than this one.
    return Buffer.allocUnsafeSlow(Math.max(size, Math.min(KEEP_MAX_BYTES, Math.ceil(size * 1.25)), 64 * 1024));
  }

  /** Gives a buffer from take() back: nothing may read it afterwards. */
  give(b: Buffer): void {
    if (b.length > KEEP_MAX_BYTES) return;
    if (this.free.length >= KEEP_MAX_COUNT) this.free.shift();
    this.free.push(b);
  }

  /** Bytes the freed buffers hold. */
  get bytes(): number {
    return this.free.reduce((n, b) => n + b.length, 0);
  }
}

// @fileoverview What both decoders fill in as they sweep: the CodeScan, with its edge and address-taken lists kept
// in growable typed arrays (millions of edges without boxing or GC churn) and handed back as views.

import type { CodeRegion, CodeScan } from "./types.js";

/** A growable Float64Array. */
export class NumList {
  buf: Float64Array;
  n = 0;
  constructor(capacity = 1024) {
    this.buf = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = v;
  }
  /** The values pushed: a view, not a copy (the list is not used after). */
  done(): Float64Array {
    return this.buf.subarray(0, this.n);
  }
}

/** A growable Uint8Array (which edges are calls). */
export class ByteList {
  buf: Uint8Array;
  n = 0;
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }
  push(v: number): void {
    if (this.n === this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = v;
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** Code has about one direct call or jump per 22 bytes: edge lists start that large, and rarely grow. */
export const BYTES_PER_EDGE = 20;

/** A CodeScan with nothing in it yet. */
export function emptyScan(): CodeScan {
  return {
    sites: [],
    edgeFrom: new Float64Array(0),
    edgeTo: new Float64Array(0),
    edgeCall: new Uint8Array(0),
    addressTaken: new Float64Array(0),
    addressFrom: new Float64Array(0),
    dataRef: new Float64Array(0),
    dataFrom: new Float64Array(0),
    indirect: [],
    slotFrom: [],
    slotAddr: [],
    slotCall: [],
    invalid: 0,
    instructions: 0,
  };
}

export class ScanBuilder {
  /** Sites, slot calls, indirect transfers and counts are pushed here directly; the typed lists go in at `finish`. */
  readonly out: CodeScan = emptyScan();
  /** Direct call and jump edges (parallel lists; calls 1 in edgeCall), pushed by the sweep's hot loop itself. */
  readonly edgeFrom: NumList;
  readonly edgeTo: NumList;
  readonly edgeCall: ByteList;
  private readonly takenAt = new NumList();
  private readonly takenFrom = new NumList();
  private readonly dataAt = new NumList();
  private readonly dataFromList = new NumList();

  constructor(regions: readonly CodeRegion[]) {
    let codeBytes = 0;
    for (const r of regions) codeBytes += r.bytes.length;
    const capacity = Math.max(1024, Math.ceil(codeBytes / BYTES_PER_EDGE));
    this.edgeFrom = new NumList(capacity);
    this.edgeTo = new NumList(capacity);
    this.edgeCall = new ByteList(capacity);
  }

  /** Code at `addr` whose address the instruction at `from` takes. */
  taken(addr: number, from: number): void {
    this.takenAt.push(addr);
    this.takenFrom.push(from);
  }

  /** Data at `addr` that the instruction at `from` refers to. */
  data(addr: number, from: number): void {
    this.dataAt.push(addr);
    this.dataFromList.push(from);
  }

  finish(): CodeScan {
    const out = this.out;
    out.edgeFrom = this.edgeFrom.done();
    out.edgeTo = this.edgeTo.done();
    out.edgeCall = this.edgeCall.done();
    out.addressTaken = this.takenAt.done();
    out.addressFrom = this.takenFrom.done();
    out.dataRef = this.dataAt.done();
    out.dataFrom = this.dataFromList.done();
    return out;
  }
}

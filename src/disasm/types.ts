// @fileoverview What the decoders hand back: syscall sites, calls to syscall wrappers, call/jump edges,
// address-taken code and indirect transfers. Addresses are virtual addresses; no ELF layout, no targets.

export interface CodeRegion {
  vaddr: number;
  bytes: Uint8Array;
}

/** How a site's syscall number was found. */
export type Resolution =
  | "immediate" // mov eax/x8, imm
  | "zeroed" // xor eax,eax and the like
  | "copied" // mov eax, reg where reg held a constant
  | "hoisted" // the register was set once, earlier in the function (a loop-invariant kept in a callee-saved register)
  | "unresolved";

export interface SyscallSite {
  addr: number;
  /** syscall: x86-64 `syscall`; int80: i386 ABI `int 0x80`; svc: aarch64 `svc #0`; wrapper: a call to syscall()-like code. */
  kind: "syscall" | "int80" | "sysenter" | "svc" | "wrapper";
  nr: number | null;
  how: Resolution;
  /** For kind wrapper: the wrapper called. */
  wrapper?: number;
  /** First syscall argument (rdi / x0) when it is a known constant at the site, e.g. clone's flags. */
  arg0?: number;
  /**
   * The argument that decides the call's support (ScanOptions.argIndex; for an "arg:" wrapper, the register it
   * names) when it is a known constant at the site; absent when it is not known or the syscall has no such argument.
   */
  arg?: number;
}

export interface CodeScan {
  sites: SyscallSite[];
  /** Direct call and jump edges, as parallel arrays: from[i] (the instruction address) → to[i]. */
  edgeFrom: Float64Array;
  edgeTo: Float64Array;
  /** Which edges are calls (1) or jumps (0). */
  edgeCall: Uint8Array;
  /** Code addresses whose address is taken (lea reg, [rip+X] / adrp+add) inside the scanned regions. */
  addressTaken: Float64Array;
  /** The instruction address that takes each of them (parallel to addressTaken). */
  addressFrom: Float64Array;
  /**
   * Addresses outside the code that instructions refer to: x86-64 RIP-relative operands of straight-line
   * instructions (lea, mov, cmp ...), aarch64 adrp+add / adrp+ldr. Where a function finds its tables of pointers.
   */
  dataRef: Float64Array;
  /** The instruction address of each (parallel to dataRef). */
  dataFrom: Float64Array;
  /** Addresses of indirect calls and jumps (through a register or memory). */
  indirect: number[];
  /** Indirect calls and jumps through a RIP-relative memory slot (a GOT entry: PLT stubs, -fno-plt calls). */
  slotFrom: number[];
  slotAddr: number[];
  slotCall: boolean[];
  /** Bytes that did not decode as an instruction (data in code, or damage). */
  invalid: number;
  instructions: number;
  /**
   * x86-64: instructions decoded again to resolve syscall numbers (a run's, a function's prefix). Bounded by a small
   * multiple of `instructions` however dense the sites are; tests hold the resolver to that.
   */
  resolveDecodes?: number;
}

export interface ScanOptions {
  /** Function start addresses (sorted ascending); a register's known value does not cross them. */
  functionStarts: ArrayLike<number>;
  /** Addresses of syscall wrappers, and the register holding the number for each (x86: "rdi" | "rax"; aarch64: "x0" | "x8"). */
  wrappers: ReadonlyMap<number, string>;
  /** GOT slots of imported syscall wrappers (a `call [rip+slot]` to them counts as a wrapper call). */
  wrapperSlots?: ReadonlyMap<number, string>;
  /**
   * For syscall numbers whose support depends on one argument (socket's domain...): that argument's 0-based index in
   * the syscall's own list. A wrapper "arg:NR:REG" (socket@plt: "arg:41:rdi") is a call with a fixed number whose
   * deciding argument is in REG.
   */
  argIndex?: (nr: number) => number | undefined;
}

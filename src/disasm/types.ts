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
  /**
   * When the deciding argument was looked for: its register (x86-64: 0 rax ... 15 r15; aarch64: 0-30
   * x0-x30, as ValueOp numbers them), so that a slower analysis of the whole function can follow it (src/analyze/arg-values.ts).
   */
  argReg?: number;
  /**
   * With `arg`: where the straight-line reasoning that found it starts (the run's first instruction, or the function's
   * start for a hoisted value). A jump into (argFrom, addr] joins other paths the sweep did not see.
   */
  argFrom?: number;
}

/**
 * One instruction as the value analysis sees it: what it does to the integer registers (x86-64: 0 rax, 1 rcx, 2 rdx,
 * 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8-15 r8-r15; aarch64: 0-30 x0-x30, 31 sp) and to the stack, and where control
 * goes. Anything not described exactly is a "clobber" of the registers it writes, so a value it might change is never
 * trusted. An aarch64 instruction that does several things (stp with writeback, movk) is several ops at one address,
 * the last of them carrying its flow.
 */
export interface ValueOp {
  addr: number;
  /** Address of the next instruction. */
  next: number;
  /** next: falls through; call/jump/branch (conditional): direct, to target; icall/ijump: indirect; return; stop (hlt, ud2, invalid). */
  flow: "next" | "call" | "icall" | "jump" | "ijump" | "branch" | "return" | "stop";
  target?: number;
  /**
   * const: dst = value; copy: dst = src; load: dst = [base + disp] (size bytes; base -1: an absolute or RIP-relative
   * address, disp is then the address); either: dst = one of `values` (x86-64 `sbb r32, r32`: 0 or -1 by the carry
   * flag, which no analysis here follows); store: [base + disp] = src register or value; push/pop: src/dst; sp-add:
   * rsp += value; or/and/add: dst = (src, or dst when absent) op value (add keeps a stack address one); clobber:
   * every register in `writes` (a bit mask) is unknown. A clobber that `writesMemory` says where when it can: `base`
   * the register the written address is formed from, with `disp` and `size` the bytes from it when that is all it
   * writes (x86-64 `add dword [rsp+0x28], 1`; without `size`, somewhere from it: an indexed operand, an aarch64 store
   * the ops do not describe); no `base` but `disp` and `size` (x86-64): a RIP-relative or absolute operand's bytes;
   * neither: anywhere. A call's own write (its return address) is not the callee's.
   */
  op: "const" | "copy" | "load" | "store" | "push" | "pop" | "sp-add" | "or" | "and" | "add" | "lea-stack" | "either" | "clobber";
  dst?: number;
  src?: number;
  value?: number;
  /** For `either`: the values dst may take. */
  values?: readonly number[];
  base?: number;
  disp?: number;
  size?: number;
  /** Registers written (bit mask), for clobber; also set for the other ops' destinations. */
  writes: number;
  /** x86-64, for clobber: the registers the instruction reads (bit mask), memory operands' base and index included. */
  reads?: number;
  /** The instruction writes memory somewhere other than a plain store (rep movs, xchg with memory...). */
  writesMemory?: boolean;
  /** lea of a RIP-relative or absolute address (in `disp`): the address is taken, and may be written through. */
  takesAddress?: boolean;
  /** cmp reg, imm or test reg, reg (imm 0): what the flags then say about a register (aarch64 cbz/cbnz: on the
   * branch itself). */
  cmpReg?: number;
  cmpValue?: number;
  /** For a conditional branch on equality: taken when equal ("e") or not equal ("ne"). */
  cond?: "e" | "ne";
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

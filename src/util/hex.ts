// @fileoverview How unifit writes an address or a number in hex: "0x" and lower-case digits, no padding.

/** 0x401136 */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

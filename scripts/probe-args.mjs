// @fileoverview The command line both libc probes share: --libc glibc|musl, --only fn1,fn2, --keep, and any --name value.

/** Parses process.argv for a probe named `tool`; exits 2 with one line when --libc is not glibc or musl. */
export function probeArgs(tool) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const libc = opt("libc", "glibc");
  if (!["glibc", "musl"].includes(libc)) {
    console.error(`${tool}: --libc must be glibc or musl`);
    process.exit(2);
  }
  const only = opt("only", "") ? new Set(opt("only", "").split(",")) : null;
  return { opt, libc, only, keep: args.includes("--keep") };
}

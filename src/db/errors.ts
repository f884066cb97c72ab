// @fileoverview The error raised when a syscall-db file is missing or invalid (our data, so it fails loudly).

export class DbError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "DbError";
  }
}

/* A file database on Debian's libsqlite3: create a table, write rows in a transaction, read them back. The unix VFS
 * makes its system calls through sqlite's aSyscall[] table of function pointers. argv[1]: the database file.
 * Exits 0 when the rows read back are the ones written. */
#include <sqlite3.h>
#include <stdio.h>

int main(int argc, char **argv) {
  sqlite3 *db;
  sqlite3_stmt *st;
  long sum = 0;
  if (argc < 2 || sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  if (sqlite3_exec(db,
                   "CREATE TABLE IF NOT EXISTS t(x INTEGER);"
                   "BEGIN; INSERT INTO t VALUES(1); INSERT INTO t VALUES(2); INSERT INTO t VALUES(39); COMMIT;",
                   NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "%s\n", sqlite3_errmsg(db));
    return 1;
  }
  if (sqlite3_prepare_v2(db, "SELECT x FROM t", -1, &st, NULL) != SQLITE_OK) return 1;
  while (sqlite3_step(st) == SQLITE_ROW) sum += sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return sum % 42 == 0 ? 0 : 1;
}

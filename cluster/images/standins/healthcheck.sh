#!/bin/bash
# The MariaDB stand-in's healthcheck.sh, for the tests the official image's script offers that the bundled
# template uses: --connect (the server accepts a connection over TCP) and --innodb_initialized (InnoDB has
# started). Other tests: --su-mysql is ignored, anything else is refused. Exit 0 when all given tests pass.
set -u
socket=/run/mysqld/mysqld.sock
q() { mariadb --protocol=socket --socket="$socket" -uhealthcheck --skip-column-names -e "$1" 2>/dev/null; }
status=0
for arg in "$@"; do
  case "$arg" in
    --connect)
      mariadb -h127.0.0.1 -P3306 --protocol=tcp -uhealthcheck -e 'SELECT 1' > /dev/null 2>&1 ||
        { mariadb -h127.0.0.1 -P3306 --protocol=tcp -uhealthcheck -e 'SELECT 1' 2>&1 | grep -q 'Access denied' || status=1; } ;;
    --innodb_initialized)
      [ "$(q "SELECT 1 FROM information_schema.ENGINES WHERE engine='InnoDB' AND support IN ('YES','DEFAULT','ENABLED')")" = 1 ] || status=1 ;;
    --su-mysql | --su=*) ;;
    *) echo "healthcheck.sh (stand-in): $arg is not supported" >&2; exit 2 ;;
  esac
done
exit $status

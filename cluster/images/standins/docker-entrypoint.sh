#!/bin/bash
# Entrypoint of the Redis, MariaDB and RabbitMQ stand-ins (Debian packages): starts each the way its official
# image's docker-entrypoint.sh does, for the parts the bundled templates use. What differs is in the README.
set -euo pipefail

log() { echo "$(date -u +%FT%TZ) [entrypoint] $*" >&2; }

# Redis: no password and reachable from other pods, like the official image (which builds with protected mode
# off); data in the working directory /data.
start_redis() {
  [ "$1" = redis-server ] && shift && set -- redis-server --protected-mode no --dir /data "$@"
  exec "$@"
}

# MariaDB: on an empty data directory, create the system tables, then the root password
# (MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD), the database
# MARIADB_DATABASE and the user MARIADB_USER/MARIADB_PASSWORD with all rights on it, and run
# /docker-entrypoint-initdb.d/*.sql and *.sh. The MYSQL_* names are accepted too, as the official image does.
mariadb_env() {
  local n
  for n in ROOT_PASSWORD ALLOW_EMPTY_ROOT_PASSWORD RANDOM_ROOT_PASSWORD DATABASE USER PASSWORD ROOT_HOST; do
    local m="MARIADB_$n" y="MYSQL_$n"
    [ -z "${!m:-}" ] && [ -n "${!y:-}" ] && export "$m=${!y}"
  done
  return 0
}
sql_escape() { printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g"; }
mariadb_init() {
  if [ -z "${MARIADB_ROOT_PASSWORD:-}" ] && [ -z "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}" ] &&
    [ -z "${MARIADB_RANDOM_ROOT_PASSWORD:-}" ]; then
    log 'error: database is uninitialized and password option is not specified'
    log '  You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
    exit 1
  fi
  if [ -n "${MARIADB_RANDOM_ROOT_PASSWORD:-}" ]; then
    MARIADB_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    log "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  log 'Initializing database files'
  # --rpm: no host name look-up (as the official image); --skip-name-resolve: accounts by address only.
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --rpm --skip-test-db \
    --auth-root-authentication-method=normal --skip-name-resolve > /dev/null
  log 'Starting temporary server'
  mariadbd --user=mysql --skip-networking --socket=/run/mysqld/mysqld.sock --datadir=/var/lib/mysql &
  local pid=$! i
  for i in $(seq 60); do mariadb-admin --socket=/run/mysqld/mysqld.sock ping > /dev/null 2>&1 && break; sleep 1; done
  local root host=${MARIADB_ROOT_HOST:-%} sql
  root=$(sql_escape "${MARIADB_ROOT_PASSWORD:-}")
  sql="SET @@SESSION.SQL_LOG_BIN=0; DELETE FROM mysql.global_priv WHERE user='' OR (user='root' AND host NOT IN ('localhost'));
ALTER USER 'root'@'localhost' IDENTIFIED BY '$root';"
  [ "$host" != localhost ] && sql+="
CREATE USER 'root'@'$host' IDENTIFIED BY '$root'; GRANT ALL ON *.* TO 'root'@'$host' WITH GRANT OPTION;"
  # healthcheck.sh connects as this user over the socket, like the official image's healthcheck@localhost.
  sql+="
CREATE USER 'healthcheck'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');"
  if [ -n "${MARIADB_DATABASE:-}" ]; then sql+="
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"; fi
  if [ -n "${MARIADB_USER:-}" ]; then
    sql+="
CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "${MARIADB_PASSWORD:-}")';"
    [ -n "${MARIADB_DATABASE:-}" ] && sql+="
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
  fi
  mariadb --protocol=socket --socket=/run/mysqld/mysqld.sock -uroot <<< "$sql"
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) log "running $f"; . "$f" ;;
      *.sql) log "running $f"; mariadb --socket=/run/mysqld/mysqld.sock -uroot -p"$MARIADB_ROOT_PASSWORD" \
        ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} < "$f" ;;
    esac
  done
  kill "$pid" && wait "$pid" || true
  log 'MariaDB init process done. Ready for start up.'
}
start_mariadb() {
  case "$1" in mariadbd | mysqld) ;; *) exec "$@" ;; esac
  mariadb_env
  mkdir -p /run/mysqld /var/lib/mysql && chown mysql:mysql /run/mysqld /var/lib/mysql
  [ -d /var/lib/mysql/mysql ] || mariadb_init
  shift
  exec mariadbd --user=mysql --datadir=/var/lib/mysql --bind-address=0.0.0.0 --skip-name-resolve \
    --socket=/run/mysqld/mysqld.sock "$@"
}

# RabbitMQ: the default user RABBITMQ_DEFAULT_USER/RABBITMQ_DEFAULT_PASS (guest/guest otherwise) may log in
# from other pods; the management plugin is on (the -management image); data in /var/lib/rabbitmq.
start_rabbitmq() {
  [ "$1" = rabbitmq-server ] || exec "$@"
  mkdir -p /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
  {
    echo 'loopback_users.guest = false'
    echo 'listeners.tcp.default = 5672'
    echo 'management.tcp.port = 15672'
    [ -n "${RABBITMQ_DEFAULT_USER:-}" ] && echo "default_user = $RABBITMQ_DEFAULT_USER"
    [ -n "${RABBITMQ_DEFAULT_PASS:-}" ] && echo "default_pass = $RABBITMQ_DEFAULT_PASS"
    [ -n "${RABBITMQ_DEFAULT_VHOST:-}" ] && echo "default_vhost = $RABBITMQ_DEFAULT_VHOST"
    true
  } > /etc/rabbitmq/rabbitmq.conf
  echo '[rabbitmq_management].' > /etc/rabbitmq/enabled_plugins
  unset RABBITMQ_DEFAULT_USER RABBITMQ_DEFAULT_PASS RABBITMQ_DEFAULT_VHOST
  export RABBITMQ_LOGS=- RABBITMQ_MNESIA_BASE=/var/lib/rabbitmq/mnesia
  exec "$@"
}

[ $# -gt 0 ] || set -- /bin/sh
case "$1" in
  redis-server) start_redis "$@" ;;
  mariadbd | mysqld) start_mariadb "$@" ;;
  rabbitmq-server) start_rabbitmq "$@" ;;
  *) exec "$@" ;;
esac

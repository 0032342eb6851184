# shellcheck shell=sh
# A throwaway PostgreSQL server owned by the caller: its own directory, port
# and socket, TLS with a test CA, stopped by pg_stop.  Source this file.
#
#   pg_start DIR      initdb + start; sets PGHOST PGPORT PGUSER PG_DIR
#                     PG_CA (CA certificate) and PG_ADMIN_URL; lines in
#                     $PG_EXTRA_CONF override the test settings below
#   pg_stop           stop the server started by pg_start
#   pg_psql ARGS...   psql as the superuser on database "postgres" or $PGDB
#
# The server runs as the "postgres" system user when started by root,
# because PostgreSQL refuses to run as root.

pg_bindir() {
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/pg_ctl" ] && last=$d
	done
	[ -n "${last:-}" ] || {
		echo "pg.sh: no PostgreSQL server binaries; run deps/apt-setup.sh" >&2
		return 1
	}
	echo "$last"
}

# Runs a command as the server's owner.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_make_certs() { # dir
	(
		cd "$1" &&
			openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
				-subj "/CN=dlcs-test-ca" -keyout ca.key -out ca.crt &&
			openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
				-keyout server.key -out server.csr &&
			printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext &&
			openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
				-CAcreateserial -days 2 -extfile san.ext -out server.crt
	) >/dev/null 2>&1
}

pg_start() { # dir
	PG_DIR=$1
	bindir=$(pg_bindir) || return 1
	mkdir -p "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/tls"
	pg_make_certs "$PG_DIR/tls" || {
		echo "pg.sh: cannot make test certificates" >&2
		return 1
	}
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres "$PG_DIR"
		chmod 755 "$PG_DIR"
		# The job's tests read the CA as any user.
		chmod 644 "$PG_DIR/tls/ca.crt"
	fi
	chmod 600 "$PG_DIR/tls/server.key"
	PGPORT=$(pg_free_port)
	pg_as_owner "$bindir/initdb" -D "$PG_DIR/data" -U postgres \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
		--locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2
		return 1
	}
	cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PG_DIR/run'
ssl = on
ssl_cert_file = '$PG_DIR/tls/server.crt'
ssl_key_file = '$PG_DIR/tls/server.key'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_wal_size = 4GB
log_min_messages = warning
${PG_EXTRA_CONF:-}
CONF
	pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
		-w -t 60 start >/dev/null || {
		cat "$PG_DIR/server.log" >&2
		return 1
	}
	PGHOST=$PG_DIR/run
	PGUSER=postgres
	PG_CA=$PG_DIR/tls/ca.crt
	export PGHOST PGPORT PGUSER PG_DIR PG_CA
	pg_psql -c "ALTER ROLE postgres PASSWORD 'pg-admin-secret'" >/dev/null
	PG_ADMIN_URL="postgresql://postgres:pg-admin-secret@127.0.0.1:$PGPORT/postgres"
	export PG_ADMIN_URL
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
	bindir=$(pg_bindir) || return 0
	pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
		>/dev/null 2>&1 || true
}

pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -d "${PGDB:-postgres}" "$@"
}

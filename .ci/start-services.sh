#!/usr/bin/env bash
# Start RabbitMQ, MariaDB and PostgreSQL if they are not running (there is
# no systemd on these machines), and wait until each answers.
set -euo pipefail

up() { python3 - "$1" <<'PY'
import socket, sys
try:
    socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()
except OSError:
    sys.exit(1)
PY
}

wait_for() {  # name port
    for _ in $(seq 60); do up "$2" && { echo "$1 is up"; return 0; }; sleep 1; done
    echo "$1 did not come up on port $2" >&2; return 1
}

up 5672 || rabbitmq-server -detached
up 3306 || start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
up 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
wait_for RabbitMQ 5672
wait_for MariaDB 3306
wait_for PostgreSQL 5432

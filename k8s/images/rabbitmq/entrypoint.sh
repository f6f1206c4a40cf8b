#!/bin/sh
set -eu
: "${RABBITMQ_DEFAULT_USER:?RABBITMQ_DEFAULT_USER is required}"
: "${RABBITMQ_DEFAULT_PASS:?RABBITMQ_DEFAULT_PASS is required}"
cat > /tmp/rabbitmq.conf <<CONF
loopback_users = none
listeners.tcp.default = 5672
management.tcp.port = 15672
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
log.console = true
log.console.level = info
CONF
# The server itself, not Debian's wrapper (which writes a startup log under /var/log).
exec /usr/lib/rabbitmq/bin/rabbitmq-server

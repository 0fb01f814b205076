#!/bin/sh
# /usr/bin/yoriai-server: the packaged server's command. Admin commands (user import,
# backup, restore...) act on the service's database: the configuration defaults to the
# service's. Files root makes in the service's folder are handed to its user.
umask 077  # databases, backups and password files are for their owner only
: "${YORIAI_CONFIG:=/etc/yoriai/server.toml}"
export YORIAI_CONFIG
exec /opt/yoriai-server/bin/yoriai-server "$@"

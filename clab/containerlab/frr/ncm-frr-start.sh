#!/bin/sh
# Gives admin its password, starts sshd, then hands over to FRR's own
# start script so the container lives as long as FRR does.
set -eu

if [ -z "${NCM_PASSWORD:-}" ]; then
  echo "ncm-frr: set NCM_PASSWORD, the SSH password of user admin" >&2
  exit 1
fi
echo "admin:${NCM_PASSWORD}" | chpasswd
sed -i "s/^hostname .*/hostname $(hostname)/" /etc/frr/frr.conf
/usr/sbin/sshd
exec /usr/lib/frr/docker-start

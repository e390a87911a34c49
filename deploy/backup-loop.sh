#!/bin/sh
# ecoplateau-backup-loop [DIR] - the backup service of deploy/compose.yaml:
# `ecoplateau backup DIR` now, then every EP_BACKUP_INTERVAL seconds (21600),
# keeping the newest EP_BACKUP_KEEP backups (28). Each backup is an online
# copy checked with integrity_check; a failed one is logged by ecoplateau,
# leaves no file and deletes nothing. Installed in the image; POSIX sh.
set -u
dir=${1:-/backups}
interval=${EP_BACKUP_INTERVAL:-21600}
keep=${EP_BACKUP_KEEP:-28}
case "$interval" in '' | *[!0-9]*) echo "EP_BACKUP_INTERVAL must be seconds" >&2; exit 2 ;; esac
case "$keep" in '' | *[!0-9]* | 0) echo "EP_BACKUP_KEEP must be 1 or more" >&2; exit 2 ;; esac
# PID 1 in its container: without a trap, SIGTERM would be ignored until the
# stop timeout kills it; `wait` (unlike a foreground sleep) lets it through.
trap 'exit 0' TERM INT
while :; do
  if ecoplateau backup "$dir" >/dev/null; then
    # Names sort by time (ecoplateau-YYYYmmddTHHMMSSZ.db): newest first.
    ls -1 "$dir"/ecoplateau-*.db | sort -r | tail -n +$((keep + 1)) | xargs -r rm -f --
  fi
  sleep "$interval" &
  wait $!
done

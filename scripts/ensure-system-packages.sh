#!/bin/sh
# Debian packages the test suite drives for real: Chromium (the browser tests, never a downloaded
# browser) and nginx (the replicas test). Installed when missing and this is Debian as root; run
# before `npm test` (pretest), so the README's test command works on a fresh machine.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "omsagg tests: installing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "omsagg tests need the Debian packages:$missing (apt-get install$missing)" >&2
  exit 1
fi

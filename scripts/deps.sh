#!/bin/sh
# Installs the Debian packages vidc needs to build, test and render, when any is missing.
# Idempotent: when everything is present it only asks dpkg and returns in well under a second.
# Runs as root (a fresh Debian 12 machine); elsewhere it prints what to install and fails.
# python3 runs the fake cloud servers of the tests (standard library only); time (GNU) measures
# peak memory in bench/; wrk loads the service's API in bench/service.sh; python3-celery,
# python3-redis and redis-server run integrations/celery and its test (tests/sh/celery.sh);
# chromium and nodejs with npm run the preview page's browser test (tests/sh/preview.sh) and the
# editor extension's grammar test (tests/sh/editors.sh); npm is asked for only when no npm is
# there (NodeSource's nodejs brings its own, which Debian's conflicts with).
# gnome-backgrounds holds pixels-l.webp, the detailed photo of tests/sh/quality_floor.sh (and of
# the reference short's bench assets).
# libpq-dev builds the PostgreSQL store and postgresql runs its test (tests/sh/service_pg.sh).
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg libjpeg62-turbo-dev
libass-dev libharfbuzz-dev libfreetype-dev libfontconfig-dev
liblua5.4-dev libcurl4-openssl-dev libespeak-ng-dev espeak-ng
libsqlite3-dev libpq-dev postgresql libmicrohttpd-dev libxml2-dev libjansson-dev libssl-dev libsodium-dev
fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji
python3 time wrk gnome-backgrounds
python3-celery python3-redis redis-server libhiredis-dev
chromium nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

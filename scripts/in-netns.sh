#!/usr/bin/env bash
# Runs a command inside a fresh network namespace whose only interface is loopback, so every
# packet the tests send (HTTP, ICE, DTLS, RTP, Chromium's WebRTC) stays on 127.0.0.1 by
# construction. Falls back to the host namespace (tests still bind 127.0.0.1 only) when
# namespaces are not available (not root, or no unshare).
set -euo pipefail
if [ "${OPENCALLS_IN_NETNS:-}" != 1 ] && command -v unshare >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
   && unshare --net true 2>/dev/null; then
  exec unshare --net env OPENCALLS_IN_NETNS=1 bash -c 'ip link set lo up && exec "$@"' bash "$@"
fi
if [ "${OPENCALLS_IN_NETNS:-}" != 1 ]; then
  echo "note: running without a private network namespace (tests use 127.0.0.1 only)" >&2
fi
exec "$@"

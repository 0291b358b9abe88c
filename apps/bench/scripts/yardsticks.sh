#!/usr/bin/env bash
# The daemon on each transport against the yardsticks of ../shared/yardsticks (a C server
# with recvmmsg/sendmmsg, the thinnest node:dgram server, a C load generator), pair by
# pair, side by side in one run: bench.sh prints each pair's figures and A/B ratios. The
# yardsticks are built from ../shared at run time (build.sh) and never copied here.
# Last, the addon floor (src/addon-floor-server.ts: the native transport with no rules behind
# it) against the C server: what Node.js and the addon cost before any code of ours runs.
#   pnpm bench:yardsticks                      # native and dgram, each vs C and vs baseline; floor vs C
#   TRANSPORTS=native AGAINST=C FLOOR=0 pnpm bench:yardsticks
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
yard=${YARDSTICKS:-$root/../shared/yardsticks}
if [[ ! -x $yard/bench.sh ]]; then
  echo "bench:yardsticks: no yardsticks at $yard (set YARDSTICKS=<dir>)" >&2
  exit 2
fi
build=$("$yard/build.sh")
daemon="node $root/apps/server/dist/main.js --host 127.0.0.1 --port {port} --no-rate-limit --log-level warn"
declare -A against=(
  [C]="$build/ref-server --host 127.0.0.1 --port {port}"
  [baseline]="node $yard/node-baseline.mjs --host 127.0.0.1 --port {port}"
)
floor="node $root/apps/bench/dist/addon-floor-server.js --host 127.0.0.1 --port {port}"
out=${BENCH_OUT_ROOT:-$(mktemp -d /tmp/chat-yardsticks-run.XXXXXX)}
mkdir -p "$out"
echo "bench:yardsticks: raw results under $out; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for transport in ${TRANSPORTS:-native dgram}; do
  for other in ${AGAINST:-C baseline}; do
    echo
    echo "=== --transport $transport vs $other"
    BENCH_OUT=$out/$transport-$other "$yard/bench.sh" --pair \
      "$daemon --transport $transport" "${against[$other]}" 2>"$out/$transport-$other.log"
  done
done
if [[ ${FLOOR:-1} != 0 ]]; then
  echo
  echo "=== addon floor vs C"
  BENCH_OUT=$out/floor-C "$yard/bench.sh" --pair "$floor" "${against[C]}" 2>"$out/floor-C.log"
fi
echo
echo "bench:yardsticks: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

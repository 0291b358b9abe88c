#!/usr/bin/env bash
# The daemon on each transport against the yardsticks of ../shared/yardsticks (a C server
# with recvmmsg/sendmmsg, the thinnest node:dgram server, a C load generator), pair by
# pair, side by side in one run: bench.sh prints each pair's figures and A/B ratios. The
# yardsticks are built from ../shared at run time (build.sh) and never copied here.
#   pnpm bench:yardsticks                      # native and dgram, each vs C and vs baseline
#   TRANSPORTS=native AGAINST=C pnpm bench:yardsticks
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
echo
echo "bench:yardsticks: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Runs each cargo-fuzz target for SECONDS (default 300) and prints the
# executions. New inputs go to target/fuzz/; fuzz/corpus/ holds the
# committed seeds. Stable Rust with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs
# nightly flags; this machine has one toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1
seconds=${1:-300}
mkdir -p target/fuzz
summary=target/fuzz/summary.txt
: > "$summary"
for t in token_parse jwks_parse verify json_objects host_checks; do
  mkdir -p "target/fuzz/$t"
  log="target/fuzz/$t.log"
  echo "[fuzz] $t for ${seconds}s"
  if ! cargo fuzz run --fuzz-dir fuzz "$t" "target/fuzz/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 > "$log" 2>&1; then
    tail -40 "$log"
    echo "[fuzz] $t FAILED: a crash, timeout or memory blow-up (artifacts in fuzz/artifacts/$t)" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "$t: $runs executions in ${seconds}s, no crash" | tee -a "$summary"
done

#!/usr/bin/env bash
# Runs every cargo-fuzz target in native/fuzz briefly and prints one line per target; exits 1 if
# any target crashed (its reproducer is in native/fuzz/artifacts/<target>/).
#
#   native/scripts/fuzz-ci.sh                  # every target, 10 s each
#   FUZZ_SECONDS=300 native/scripts/fuzz-ci.sh # longer
#   native/scripts/fuzz-ci.sh rtcp_compound    # only the targets named
#
# Needs a nightly toolchain (installed with rustup if missing) and cargo-fuzz (installed if
# missing). Targets are built with debug assertions, so arithmetic overflow counts as a crash.
# The committed seeds in native/fuzz/corpus/<target>/ are read, never written: new inputs go
# to a temporary directory that is removed afterwards.
set -euo pipefail

native_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${FUZZ_SECONDS:-10}"
toolchain="${FUZZ_TOOLCHAIN:-nightly}"

if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "fuzz-ci: installing the $toolchain toolchain"
  rustup toolchain install "$toolchain" --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz-ci: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

cd "$native_dir"
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo "+$toolchain" fuzz list)
fi
cargo "+$toolchain" fuzz build --debug-assertions >/dev/null 2>&1 ||
  cargo "+$toolchain" fuzz build --debug-assertions # show the build error

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

failed=0
for target in "${targets[@]}"; do
  log="$scratch/$target.log"
  mkdir -p "$scratch/$target"
  seeds=()
  [ -d "fuzz/corpus/$target" ] && seeds=("fuzz/corpus/$target")
  if cargo "+$toolchain" fuzz run --debug-assertions "$target" "$scratch/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    failed=1
  fi
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)"
  corpus="$(find "$scratch/$target" -type f | wc -l)"
  printf '%-18s %-5s %12s execs %9s execs/s  cov %6s  new inputs %5s\n' \
    "$target" "$status" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus"
  if [ "$status" != ok ]; then
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written|^thread' "$log" | head -n 20 | sed 's/^/    /'
  fi
done
exit "$failed"

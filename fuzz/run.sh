#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, from its corpus in
# fuzz/corpus/TARGET (read, never written: new inputs go to
# FUZZ_TARGET_DIR/corpus/TARGET), and prints per target how many inputs it
# ran and how fast. Exits non-zero if any target crashed, after printing
# where libFuzzer wrote the input (fuzz/artifacts/TARGET/). See the README's
# "Fuzzing".
#
# Needs a nightly toolchain (libFuzzer's instrumentation) and cargo-fuzz,
# which it installs when missing. Without nightly it says so and skips,
# unless CI=true, where the check is required.
#
# Environment:
#   FUZZ_SECONDS       seconds per target (default 30)
#   FUZZ_TARGETS       targets to run (default: all of `cargo fuzz list`)
#   FUZZ_TOOLCHAIN     the nightly toolchain (default nightly)
#   FUZZ_SANITIZER     cargo fuzz's --sanitizer (default none, see below)
#   FUZZ_TARGET_DIR    the fuzz build's target dir (default fuzz/target)
#   CARGO_FUZZ_VERSION the cargo-fuzz to install when missing (default 0.13.2)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${FUZZ_SECONDS:-30}
toolchain=${FUZZ_TOOLCHAIN:-nightly}
# The crate forbids unsafe code, so AddressSanitizer has little to find in
# it and makes every input four times slower; ask for it with
# FUZZ_SANITIZER=address.
sanitizer=${FUZZ_SANITIZER:-none}
target_dir=$(realpath -m "${FUZZ_TARGET_DIR:-fuzz/target}")
cargo_fuzz_version=${CARGO_FUZZ_VERSION:-0.13.2}

skip() {
    if [[ ${CI:-} == true ]]; then
        echo "fuzz: $1; required under CI=true" >&2
        exit 1
    fi
    echo "fuzz: skipped: $1"
    exit 0
}

cargo "+$toolchain" --version >/dev/null 2>&1 ||
    skip "no $toolchain toolchain (rustup toolchain install $toolchain --profile minimal)"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz $cargo_fuzz_version"
    cargo install --locked cargo-fuzz --version "$cargo_fuzz_version"
fi
cargo "+$toolchain" --version
cargo fuzz --version

fuzz() {
    local command=$1
    shift
    cargo "+$toolchain" fuzz "$command" --fuzz-dir fuzz --sanitizer "$sanitizer" --target-dir "$target_dir" "$@"
}

read -r -a targets <<<"${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir fuzz | tr '\n' ' ')}"
start=$(date +%s)
fuzz build
echo "fuzz: built ${#targets[@]} targets in $(($(date +%s) - start)) s"

failed=()
for t in "${targets[@]}"; do
    new="$target_dir/corpus/$t"
    log="$target_dir/logs/$t.log"
    mkdir -p "$new" "$(dirname "$log")"
    args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10)
    [[ -f fuzz/dict/$t.dict ]] && args+=(-dict="fuzz/dict/$t.dict")
    status=0
    began=$(date +%s)
    fuzz run "$t" "$new" "fuzz/corpus/$t" -- "${args[@]}" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    printf 'fuzz: %-15s %10s executions in %3s s, %s/s\n' "$t" "${runs:-?}" "$(($(date +%s) - began))" "${rate:-?}"
    if ((status != 0)); then
        # The panic, libFuzzer's summary and the artifact's path.
        grep -E -A3 "panicked at|^SUMMARY|Test unit written|^ERROR" "$log" >&2 || tail -n 30 "$log" >&2
        echo "fuzz: $t failed (exit $status); its whole output is in $log" >&2
        failed+=("$t")
    fi
done

if ((${#failed[@]} > 0)); then
    echo "fuzz: crashes in ${failed[*]}; reproduce with: cargo +$toolchain fuzz run TARGET fuzz/artifacts/TARGET/FILE" >&2
    exit 1
fi
echo "fuzz: no crash in ${#targets[@]} targets, $(($(date +%s) - start)) s in all"

#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60) from its checked-in seed corpus (fuzz/corpus/TARGET), growing a
# working corpus in .build-fuzz/corpus/TARGET. A crash is saved in .build-fuzz/crashes/TARGET and fails the run:
# copy it into fuzz/corpus/TARGET (it becomes a regression input every later run replays) and fix the bug.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls fuzz/Targets | sed 's/\.swift$//'))
fuzz/build.sh "${targets[@]}"
failed=()
for target in "${targets[@]}"; do
    work=.build-fuzz/corpus/$target crashes=.build-fuzz/crashes/$target
    mkdir -p "$work" "$crashes" "fuzz/corpus/$target"
    start=$(date +%s)
    # -rss_limit_mb and -max_len keep a run inside this machine; -timeout catches hangs (an input that takes over
    # 10 s is a bug for these parsers).
    if .build-fuzz/fuzz-"$target" "$work" "fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1 \
        > ".build-fuzz/$target.log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' ".build-fuzz/$target.log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz $target: ${runs} inputs in $(( $(date +%s) - start )) s, no crash"
    else
        echo "fuzz $target: CRASH (see .build-fuzz/$target.log and $crashes)"
        tail -n 30 ".build-fuzz/$target.log"
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]}"
    exit 1
fi

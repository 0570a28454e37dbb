#!/bin/bash
# The demo's iteration time, two builds side by side: tools/iteration-time.sh BEFORE_CHECKOUT AFTER_CHECKOUT [ROUNDS]
# Alternates `bin/marft demo --minutes 0.6` on each, at one thread and at two, ROUNDS rounds (default 2),
# and prints medians of metrics.jsonl's seconds per phase over iterations 3 to the last of each run.
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: tools/iteration-time.sh BEFORE_CHECKOUT AFTER_CHECKOUT [ROUNDS]" >&2; exit 2; }
rounds=${3:-2}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "tools/iteration-time.sh: ROUNDS must be a positive whole number, got '$rounds'" >&2; exit 2; }
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd); out=$(mktemp -d)
summary() {
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")][2:]
ks = ["seconds_rollout", "seconds_values", "seconds_update", "seconds_gc"]
med = {k: statistics.median(r[k] for r in rows) for k in ks}
total = statistics.median(sum(r[k] for k in ks) for r in rows)
print(f"{sys.argv[2]:<12} n={len(rows):<3} rollout {med[ks[0]]:.3f}  values {med[ks[1]]:.3f}  update {med[ks[2]]:.3f}  gc {med[ks[3]]:.3f}  total {total:.3f}")
PY
}
for round in $(seq "$rounds"); do
  for run in "before 1 $before" "after 1 $after" "after 2 $after" "before 2 $before"; do
    set -- $run
    dir="$out/$1-$2-$round"
    (cd "$3" && bin/marft demo --minutes 0.6 --threads "$2" --out "$dir" > /dev/null 2>&1)
    summary "$dir" "$1, $2 thr"
  done
done
rm -rf "$out"

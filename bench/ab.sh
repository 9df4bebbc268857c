#!/usr/bin/env bash
# A/B of the drain between checkouts, taking turns: this VM's speed drifts by ±25% within
# a minute, so two versions are only comparable when they alternate.
#   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/
#   bench/ab.sh 5 100000 /tmp/before .
# AB_ARGS passes options to prof-drain.mts in both checkouts (AB_ARGS=--listen, --chain).
# AB_SCRIPT measures something else: AB_SCRIPT=bench/prof-enqueue.mts (single enqueues; copy
# it into a checkout older than it).
# Prints, per checkout, the median drain rate and CPU µs per run of `bench/prof-drain.mts`.
set -euo pipefail
rounds=$1; n=$2; shift 2
out=$(mktemp)
for _ in $(seq "$rounds"); do
  for dir in "$@"; do
    (cd "$dir" && node --import tsx "${AB_SCRIPT:-bench/prof-drain.mts}" "$n" ${AB_ARGS:-}) | sed "s|^|$dir\t|" >> "$out"
  done
done
for dir in "$@"; do
  grep -F "$dir	" "$out" | cut -f2 | node -e '
    const rs = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(process.argv[1].padEnd(24), "runs/s median", med(rs.map((r) => r.perSec)),
      " CPU µs/run median", med(rs.map((r) => Number(r.cpuUsPerRun))), " runs/s:", rs.map((r) => r.perSec).join(", "));
  ' "$dir"
done
rm -f "$out"

#!/bin/sh
# bench/lsp.sh - how long `nnlint lsp` takes to re-lint a 5,000-layer YAML
# spec after each change, against, in the same run, a whole re-lint, the
# command line on the same file (a process start, rule loading, the lint)
# and a bare libyaml event parse of it (bench/yaml_baseline.c).
#
#   1. builds bench/timeit.c and bench/yaml_baseline.c into $B/bench/;
#   2. generates $B/bench/lsp/deep.nnlint.yaml: BENCH_LSP_LAYERS Dense
#      layers (default 5000) and a training section;
#   3. a client (Python, below) starts `nnlint lsp`, opens the spec and
#      sends BENCH_LSP_CHANGES didChange notifications (default 60) that
#      alternate between a text with an NN007 finding (an activation added
#      to the last layer) and one without, and times each from the write
#      to the publishDiagnostics of that version (which it checks: NN007
#      there or not, as the text says).  Three sessions, one per kind of
#      change:
#        range   the edit as a range (incremental sync, what the server
#                asks for): the layer is parsed again alone;
#        top     a range edit in the first layer instead (units 64 <->
#                640, no finding either way): everything after it moves;
#        train   a range edit in `training:` (learning_rate 0.001 <->
#                0.0015, no finding either way): that top-level entry is
#                parsed again alone;
#        full    the whole text (full sync, for clients that send it): the
#                same incremental re-lint, plus a 450 KB message;
#        whole   the whole text, each change also adding a top-level key
#                (`dataset_size:`, before `inputs:`): the text is parsed
#                whole, as every change was before incremental re-linting;
#   4. BENCH_ROUNDS runs (default 7) of the command line and of the bare
#      parse, timed with timeit;
#   5. with valgrind installed (and BENCH_INSTR not 0): instruction counts,
#      which do not depend on the machine's load.  The server runs under
#      callgrind once opening the spec and sending no change and once per
#      kind sending BENCH_LSP_INSTR_CHANGES (default 10) changes; the
#      difference divided by that number is one re-lint (reading and
#      decoding the message, linting, publishing).  The command line and
#      the bare parse are counted whole, one run each;
#   6. prints the medians, wall and CPU, and the instructions;
#      "TARGET MISSED" when an incremental re-lint (range) costs more than
#      BENCH_LSP_TARGET_INSTR instructions (default 20000000, a few ms on
#      the machines we use), or more CPU than the bare parse.  CPU times
#      and instructions are the figures to compare on a busy machine: wall
#      times then mostly measure the scheduler.  Exit 0 either way; 2 only
#      when the harness cannot run.
#
# Generated inputs only: nothing under bench/ is written.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
B=${B:-build}
NNLINT=${NNLINT:-$B/nnlint}
LAYERS=${BENCH_LSP_LAYERS:-5000}
CHANGES=${BENCH_LSP_CHANGES:-60}
ROUNDS=${BENCH_ROUNDS:-7}
INSTR=${BENCH_INSTR:-1}
ICHANGES=${BENCH_LSP_INSTR_CHANGES:-10}
TARGET=${BENCH_LSP_TARGET_INSTR:-20000000}
CC=${CC:-cc}
OUT=$B/bench/lsp
export NO_COLOR=1 LC_ALL=C

die() { printf 'bench lsp: %s\n' "$*" >&2; exit 2; }

for v in "$LAYERS" "$CHANGES" "$ROUNDS" "$ICHANGES"; do
  case $v in '' | *[!0-9]* | 0) die "BENCH_LSP_LAYERS, BENCH_LSP_CHANGES, BENCH_LSP_INSTR_CHANGES and BENCH_ROUNDS must be positive numbers" ;; esac
done
[ -x "$NNLINT" ] || die "$NNLINT not built (run make, or set NNLINT)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the client"
pkg-config --exists yaml-0.1 || die "pkg-config does not know yaml-0.1 (make deps)"
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- 1. tools ----
BFLAGS="-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra"
TIMEIT=$B/bench/timeit
BASE=$B/bench/yaml_baseline
for t in timeit yaml_baseline; do
  src=bench/$t.c bin=$B/bench/$t
  if [ ! -x "$bin" ] || [ -n "$(find "$src" -newer "$bin")" ]; then
    libs=""
    [ "$t" = yaml_baseline ] && libs=$(pkg-config --libs yaml-0.1)
    # shellcheck disable=SC2086,SC2046
    $CC $BFLAGS $(pkg-config --cflags yaml-0.1) -o "$bin" "$src" $libs || die "cannot build $bin"
  fi
done

# ---- 2. the spec ----
SPEC=$OUT/deep.nnlint.yaml
awk -v n="$LAYERS" 'BEGIN {
  print "name: deep-regressor\ntask: regression\ninputs:\n  - {name: x, shape: [64], dtype: float32}\nlayers:"
  for (i = 0; i < n; i++)
    printf "  - {type: Dense, name: d%d, units: %d, activation: relu, kernel_initializer: he_normal}\n", i, 64 + i % 7
  print "  - {type: Dense, name: out, units: 1}"
  print "training:\n  optimizer: {type: Adam, learning_rate: 0.001}\n  loss: mse\n  batch_size: 32\n  validation_split: 0.1"
}' >"$SPEC" || die "cannot write $SPEC"

# ---- 3. the server, driven by a client ----
# python3 -c "$CLIENT" SPEC CHANGES KIND COMMAND...: runs COMMAND (the
# server, perhaps under valgrind) and prints "median_ms p90_ms min_ms
# cpu_ms" for the re-lints (wall times seen by the client; the CPU time
# per re-lint of the process it started, from /proc), or fails.  KIND is
# range, top, train, full or whole (above); CHANGES may be 0.
CLIENT='
import json, os, subprocess, sys, time
spec, changes, kind, cmd = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
good = open(spec).read()
last = "  - {type: Dense, name: out, units: 1"
add = ", activation: relu"
bad = good.replace(last + "}", last + add + "}")
assert bad != good
renamed = bad.replace("\ninputs:\n", "\ndataset_size: 100000\ninputs:\n", 1)
assert renamed != bad
lines = good.split("\n")
at_line = next(i for i, l in enumerate(lines) if l.startswith(last))
at = {"line": at_line, "character": len(last)}
top_line = next(i for i, l in enumerate(lines) if l.startswith("  - {type: Dense, name: d0, units: 64"))
top_at = {"line": top_line, "character": len("  - {type: Dense, name: d0, units: 64")}
after = {"line": at_line, "character": len(last) + len(add)}
lr = "  optimizer: {type: Adam, learning_rate: 0.001"
train_line = next(i for i, l in enumerate(lines) if l.startswith(lr))
train_at = {"line": train_line, "character": len(lr)}
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def send(m):
    b = json.dumps(m).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
    p.stdin.flush()
def recv():
    n = None
    while True:
        line = p.stdout.readline()
        if not line: sys.exit("the server closed its output")
        line = line.strip()
        if not line: break
        k, _, v = line.partition(b":")
        if k.lower() == b"content-length": n = int(v)
    return json.loads(p.stdout.read(n))
def wait(pred):
    while True:
        m = recv()
        if pred(m): return m
uri = "file://" + spec
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
r = wait(lambda m: m.get("id") == 1)
if kind == "range" and r["result"]["capabilities"]["textDocumentSync"]["change"] != 2: sys.exit("the server does not ask for incremental sync")
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 0, "text": good}}})
wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
def cpu():  # the server process: user + system time, in ms
    f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
ms = []
c0 = cpu()
for v in range(1, changes + 1):
    odd = v % 2 == 1
    if kind == "top":
        odd = False  # no finding either way
        ch = {"range": {"start": top_at, "end": top_at}, "text": "0"} if v % 2 else {"range": {"start": top_at, "end": {"line": top_line, "character": top_at["character"] + 1}}, "text": ""}
    elif kind == "train":
        odd = False  # no finding either way
        ch = {"range": {"start": train_at, "end": train_at}, "text": "5"} if v % 2 else {"range": {"start": train_at, "end": {"line": train_line, "character": train_at["character"] + 1}}, "text": ""}
    elif kind == "range":
        ch = {"range": {"start": at, "end": at}, "text": add} if odd else {"range": {"start": at, "end": after}, "text": ""}
    elif kind == "full":
        ch = {"text": bad if odd else good}
    else:
        ch = {"text": renamed if odd else good}
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": v}, "contentChanges": [ch]}})
    m = wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == v)
    ms.append((time.perf_counter() - t0) * 1000)
    has = any(d["code"] == "NN007" for d in m["params"]["diagnostics"])
    if has != odd: sys.exit("version %d: NN007 %s, the text says otherwise" % (v, "reported" if has else "missing"))
cpu_ms = (cpu() - c0) / max(changes, 1)
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
wait(lambda m: m.get("id") == 2)
send({"jsonrpc": "2.0", "method": "exit"})
if p.wait() != 0: sys.exit("the server exited with %d" % p.returncode)
ms.sort()
if not ms: ms = [0.0]
print("%.2f %.2f %.2f %.2f" % (ms[len(ms) // 2], ms[min(len(ms) - 1, int(len(ms) * 0.9))], ms[0], cpu_ms))
'
KINDS="range top train full whole"
for k in $KINDS; do
  r=$(python3 -c "$CLIENT" "$SPEC" "$CHANGES" "$k" "$NNLINT" lsp) || die "the client failed ($k): $r"
  eval "MS_$k=\$r"
done

# ---- 4. the command line and the bare parse, same file, same run ----
"$NNLINT" "$SPEC" >/dev/null 2>&1
[ $? -le 1 ] || die "nnlint cannot lint $SPEC"
"$BASE" "$SPEC" >/dev/null 2>&1 || die "the bare parse fails on $SPEC"
: >"$OUT/cli.times"
: >"$OUT/base.times"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
  "$TIMEIT" "$OUT/cli.out" "$NNLINT" "$SPEC" >>"$OUT/cli.times"
  "$TIMEIT" "$OUT/base.out" "$BASE" "$SPEC" >>"$OUT/base.times"
  r=$((r + 1))
done
# median of column 1 (wall), or with "cpu" of columns 2 + 3 (user + sys)
median() {
  awk -v cpu="${2:-}" '{ print cpu ? $2 + $3 : $1 }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
CLI_MS=$(median "$OUT/cli.times")
BASE_MS=$(median "$OUT/base.times")
CLI_CPU=$(median "$OUT/cli.times" cpu)
BASE_CPU=$(median "$OUT/base.times" cpu)

# ---- 5. instructions (callgrind) ----
# instr OUT CMD...: run CMD under callgrind; print the instructions counted.
instr() {
  o=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$o" "$@" >/dev/null 2>"$o.log" </dev/null || true
  sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$o" 2>/dev/null | head -1
}
I_range= I_top= I_train= I_full= I_whole= I_CLI= I_BASE=
if [ "$INSTR" != 0 ] && command -v valgrind >/dev/null 2>&1; then
  CG="valgrind --tool=callgrind"
  python3 -c "$CLIENT" "$SPEC" 0 range $CG --callgrind-out-file="$OUT/cg.lsp0" "$NNLINT" lsp >/dev/null 2>"$OUT/cg.lsp0.log" ||
    die "the client failed under valgrind (see $OUT/cg.lsp0.log)"
  I0=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$OUT/cg.lsp0")
  for k in $KINDS; do
    python3 -c "$CLIENT" "$SPEC" "$ICHANGES" "$k" $CG --callgrind-out-file="$OUT/cg.lsp.$k" "$NNLINT" lsp >/dev/null 2>"$OUT/cg.lsp.$k.log" ||
      die "the client failed under valgrind (see $OUT/cg.lsp.$k.log)"
    IN=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$OUT/cg.lsp.$k")
    [ -n "$I0" ] && [ -n "$IN" ] || die "no callgrind totals in $OUT/cg.lsp0 or $OUT/cg.lsp.$k"
    eval "I_$k=\$(( (IN - I0) / ICHANGES ))"
  done
  I_CLI=$(instr "$OUT/cg.cli" "$NNLINT" "$SPEC")
  I_BASE=$(instr "$OUT/cg.base" "$BASE" "$SPEC")
  [ -n "$I_CLI" ] && [ -n "$I_BASE" ] || die "no callgrind totals for the command line or the bare parse"
fi

# ---- 6. the table ----
BYTES=$(wc -c <"$SPEC")
printf '\nnnlint lsp: re-lint of a %s-layer spec (%s bytes) per didChange, %s changes\n' "$LAYERS" "$BYTES" "$CHANGES"
printf '  %-56s %8s %8s %13s\n' "" "wall ms" "CPU ms" "instructions"
row() { # label "median p90 min cpu" instructions
  set -- "$1" $2 "$3"
  printf '  %-56s %8s %8s %13s\n' "$1" "$2" "$5" "${6:--}"
}
row "nnlint lsp: range edit in the last layer (incremental)" "$MS_range" "$I_range"
row "nnlint lsp: range edit in the first layer (incremental)" "$MS_top" "$I_top"
row "nnlint lsp: range edit in training: (incremental)" "$MS_train" "$I_train"
row "nnlint lsp: whole text, edit in a layer (incremental)" "$MS_full" "$I_full"
row "nnlint lsp: whole text, top-level key added (full)" "$MS_whole" "$I_whole"
printf '  %-56s %8s %8s %13s\n' "nnlint FILE (command line: start, rules, lint)" "$CLI_MS" "$CLI_CPU" "${I_CLI:--}"
printf '  %-56s %8s %8s %13s\n' "bare libyaml event parse (a process)" "$BASE_MS" "$BASE_CPU" "${I_BASE:--}"
set -- $MS_range
R_CPU=$4
printf '  (range edit wall: p90 %s ms, min %s ms; CPU: the server'"'"'s, per change)\n' "$2" "$3"
if [ -n "$I_range" ]; then
  printf '  (instructions: callgrind; a re-lint is (%s changes - none) / %s)\n' "$ICHANGES" "$ICHANGES"
  awk -v l="$I_range" -v w="$I_whole" -v b="$I_BASE" 'BEGIN {
    printf "  incremental re-lint instructions / whole re-lint: %.3f;  / bare parse: %.3f\n", l / (w > 0 ? w : 1), l / (b > 0 ? b : 1) }'
else
  printf '  (instructions not counted: valgrind is not installed, or BENCH_INSTR=0)\n'
fi
awk -v l="$R_CPU" -v b="$BASE_CPU" -v i="${I_range:-0}" -v t="$TARGET" 'BEGIN {
  printf "  incremental re-lint CPU / bare parse CPU: %.2f\n", l / (b > 0 ? b : 1)
  if (i > t || l > b) printf "  TARGET MISSED: an incremental re-lint should cost under %d instructions and less CPU than the bare parse\n", t
}'
exit 0

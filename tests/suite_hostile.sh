# tests/suite_hostile.sh - hostile inputs for every format (sourced by
# tests/run.sh): tests/hostile/hostile.py generates them into $TMP (truncated
# files, lengths past the end, varint overflow, deep nesting, alias and zip
# bombs, NUL bytes, invalid UTF-8, garbage under model extensions, huge
# numbers and dims, cycles, undefined references, long names, oversized
# files, hostile configs and rule files) and lints each under 512 MiB of
# address space and a 10 s timeout: exit status 2 with an NN000 at a
# location (or 0/1 where the file is valid, as the generator says why), and
# a good file on the same command line still linted.  Cases marked known in
# the generator are printed as skipped, with the missing bound they show.

if ! command -v python3 >/dev/null 2>&1; then
  fail "hostile: python3 is needed to generate the inputs"
else
  hdir=$TMP/hostile
  if python3 "$ROOT/tests/hostile/hostile.py" gen "$hdir" >"$TMP/hostile.gen" 2>&1; then
    pass "hostile: inputs generated"
    python3 "$ROOT/tests/hostile/hostile.py" run "$NNLINT" "$hdir" >"$TMP/hostile.out" 2>&1
    grep -q '^STATS ' "$TMP/hostile.out" ||
      fail "hostile: the runner did not finish" "$(tail -20 "$TMP/hostile.out")"
    while IFS= read -r line; do
      case $line in
      PASS\ *) pass "hostile: ${line#PASS }" ;;
      FAIL\ *) fail "hostile: ${line#FAIL }" ;;
      SKIP\ *) printf 'skip hostile: %s\n' "${line#SKIP }" ;;
      STATS\ *) printf 'hostile: %s\n' "${line#STATS }" ;;
      *) fail "hostile: runner: $line" ;;
      esac
    done <"$TMP/hostile.out"
    rm -rf "$hdir"
  else
    fail "hostile: generating the inputs" "$(tail -20 "$TMP/hostile.gen")"
  fi
fi

# ---- --max-file-size: units, the limit itself, bad values ----
printf 'layers:\n  - {type: Dense, units: 1, activation: relu}\n' >"$TMP/size.yaml"
sz=$(wc -c <"$TMP/size.yaml")
expect_status "hostile: --max-file-size at the file's size reads it" 1 \
  "$NNLINT" --no-config --max-file-size "$sz" "$TMP/size.yaml"
expect_status "hostile: --max-file-size one byte under refuses it" 2 \
  "$NNLINT" --no-config --max-file-size "$((sz - 1))" "$TMP/size.yaml"
grep -q "file too large ($sz bytes, limit $((sz - 1)) bytes; see --max-file-size)" \
  "$TMP/status.out" && pass "hostile: --max-file-size message" ||
  fail "hostile: --max-file-size message" "$(cat "$TMP/status.out")"
expect_status "hostile: --max-file-size 1K (units)" 1 \
  "$NNLINT" --no-config --max-file-size 1K "$TMP/size.yaml"
expect_status "hostile: --max-file-size on standard input" 2 \
  sh -c "\"$NNLINT\" --no-config --max-file-size 8 --stdin-filename m.yaml <\"$TMP/size.yaml\""
for v in 0 2x 1.5M -1 99999999999999999999T ''; do
  expect_status "hostile: --max-file-size '$v' is a usage error" 2 \
    "$NNLINT" --no-config --max-file-size "$v" "$TMP/size.yaml"
done

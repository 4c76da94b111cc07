# tests/suite_ir.sh - the IR's derived facts: C unit tests (tests/unit/ir_test.c)
# built from the IR sources into $TMP (no build folder needed) and run;
# each "ok NAME" / "FAIL NAME: why" line they print is one check.
ir_cc=${CC:-cc}
ir_flags="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror -Ilint"
if $ir_cc $ir_flags -o "$TMP/ir_test" tests/unit/ir_test.c lint/base.c lint/ir.c lint/ir_derive.c -lm >"$TMP/ir_cc.out" 2>&1; then
  pass "ir: unit tests compile"
  "$TMP/ir_test" >"$TMP/ir_test.out" 2>&1
  ir_status=$?
  ir_ok=0
  while IFS= read -r ir_line; do
    case $ir_line in
      "ok "*) pass "ir: ${ir_line#ok }"; ir_ok=$((ir_ok + 1)) ;;
      "FAIL "*) ir_rest=${ir_line#FAIL }; fail "ir: ${ir_rest%%: *}" "${ir_rest#*: }" ;;
    esac
  done <"$TMP/ir_test.out"
  # a crash or a silent early exit is a failure too
  if [ "$ir_status" -ne 0 ] && ! grep -q '^FAIL ' "$TMP/ir_test.out"; then
    fail "ir: unit tests ran to the end" "exit status $ir_status" "$(tail -5 "$TMP/ir_test.out")"
  elif [ "$ir_ok" -lt 100 ]; then
    fail "ir: unit tests ran to the end" "only $ir_ok checks passed"
  else
    pass "ir: unit tests ran to the end"
  fi
else
  fail "ir: unit tests compile" "$(head -30 "$TMP/ir_cc.out")"
fi

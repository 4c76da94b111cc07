# tests/suite_lsp_server.sh - `nnlint lsp`, the language server: whole
# sessions driven by tests/lsp/driver.js over the vscode-jsonrpc framing
# (pinned in tests/lsp/package-lock.json, installed on first use into a
# cache folder outside the checkout), one check per answer; then Neovim's
# own LSP client (tests/lsp/nvim_test.lua) attached to the server.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

LS_CACHE=${NNLINT_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nnlint-tests}

# Install the pinned vscode-jsonrpc into $LS_CACHE/lsp (again when the
# lock changed) and set LS_MODULES; non-zero when that is not possible.
ls_install() {
  command -v node >/dev/null 2>&1 || { LS_WHY="node is not installed"; return 1; }
  command -v npm >/dev/null 2>&1 || { LS_WHY="npm is not installed"; return 1; }
  dir=$LS_CACHE/lsp
  LS_MODULES=$dir/node_modules
  if [ ! -f "$LS_MODULES/vscode-jsonrpc/node.js" ] || ! cmp -s "$ROOT/tests/lsp/package-lock.json" "$dir/package-lock.json"; then
    mkdir -p "$dir" &&
      cp "$ROOT/tests/lsp/package.json" "$ROOT/tests/lsp/package-lock.json" "$dir/" &&
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$TMP/ls_npm.log" 2>&1 ||
      { LS_WHY="npm ci failed: $(tail -3 "$TMP/ls_npm.log")"; rm -f "$dir/package-lock.json"; return 1; }
  fi
  return 0
}

mkdir -p "$TMP/ls"
if ls_install; then
  LSP_MODULES=$LS_MODULES node tests/lsp/driver.js "$NNLINT" "$TMP/ls" >"$TMP/ls/driver.out" 2>&1
  ls_st=$?
  ls_n=0
  while IFS= read -r ls_line; do
    case $ls_line in
      "ok "*) pass "lsp server: ${ls_line#ok }"; ls_n=$((ls_n + 1)) ;;
      "FAIL "*) ls_rest=${ls_line#FAIL }; fail "lsp server: ${ls_rest%%: *}" "${ls_rest#*: }"; ls_n=$((ls_n + 1)) ;;
    esac
  done <"$TMP/ls/driver.out"
  # the driver prints one line per check: too few means it stopped early
  if [ "$ls_st" = 0 ] && [ "$ls_n" -ge 50 ]; then
    pass "lsp server: the driver ran every session"
  else
    fail "lsp server: the driver ran every session" "status $ls_st, $ls_n checks" "$(grep -v '^ok ' "$TMP/ls/driver.out" | head -20)"
  fi
else
  fail "lsp server: the vscode-jsonrpc harness is installed" "$LS_WHY"
fi

# ---- Neovim's built-in LSP client, end to end ----
if command -v nvim >/dev/null 2>&1; then
  printf 'layers:\n  - {type: Dense, units: 8, activation: relu}\n  - {type: Dense, units: 1, activation: relu}\n' >"$TMP/ls/nvim_bad.yaml"
  NNLINT_BIN=$NNLINT NNLINT_EXPLAIN=$("$NNLINT" --explain NN007 | sed -n 1p) \
    timeout 90 nvim --headless --clean -n -u NONE -c "luafile tests/lsp/nvim_test.lua" \
    "$TMP/ls/nvim_bad.yaml" >"$TMP/ls/nvim.out" 2>&1 </dev/null
  # the script prints "NVIM-LSP ok ..." once it has checked the diagnostics
  if grep -q '^NVIM-LSP ok' "$TMP/ls/nvim.out"; then
    pass "lsp server: Neovim's LSP client receives the diagnostics"
  else
    fail "lsp server: Neovim's LSP client receives the diagnostics" "$(tail -20 "$TMP/ls/nvim.out")"
  fi
else
  fail "lsp server: Neovim's LSP client receives the diagnostics" "nvim is not installed (make test-deps installs neovim)"
fi

# ---- incremental re-linting: the differential self-check ----
# `nnlint lsp --self-check` applies random edits to each file as an editor
# sends them (ranges in UTF-16 positions, or whole texts) and checks after
# each that the diagnostics of the server's re-lint, which re-parses only
# the layer an edit is in where it can, equal a lint of the whole text.
awk -v n=150 -f tests/lsp/gen_spec.awk >"$TMP/ls/gen.yaml"
sed 's/$/\r/' "$TMP/ls/gen.yaml" >"$TMP/ls/gen_crlf.yaml"
"$NNLINT" lsp --self-check --edits 500 "$TMP/ls/gen.yaml" "$TMP/ls/gen_crlf.yaml" >"$TMP/ls/self.out" 2>"$TMP/ls/self.err"
ls_st=$?
# "FILE: N edits, I incremental, M mismatches"
ls_inc=$(sed -n 's/^.*gen\.yaml: 500 edits, \([0-9]*\) incremental, 0 mismatches$/\1/p' "$TMP/ls/self.out")
if [ "$ls_st" = 0 ] && [ -n "$ls_inc" ] && [ "$ls_inc" -ge 100 ] && grep -q '^self-check: 1000 edits, [0-9]* incremental, 0 mismatches$' "$TMP/ls/self.out"; then
  pass "lsp server: 1000 random edits of a generated spec, incremental re-lint = whole re-lint ($ls_inc incremental in the LF copy)"
else
  fail "lsp server: 1000 random edits of a generated spec, incremental re-lint = whole re-lint" "status $ls_st; $(cat "$TMP/ls/self.out")" "$(head -c 3000 "$TMP/ls/self.err")"
fi
# edits in the other top-level entries (inputs:, outputs:, training:, ...)
# are re-read alone too: "FILE: I of the O edits outside `layers:` incremental"
ls_out=$(sed -n 's/^.*gen\.yaml: \([0-9]*\) of the \([0-9]*\) edits outside `layers:` incremental$/\1 \2/p' "$TMP/ls/self.out")
ls_oi=${ls_out% *} ls_on=${ls_out#* }
if [ "$ls_st" = 0 ] && [ -n "$ls_out" ] && [ "$ls_oi" -ge 60 ] && [ "$ls_on" -ge 100 ]; then
  pass "lsp server: edits outside \`layers:\` re-lint incrementally ($ls_oi of $ls_on)"
else
  fail "lsp server: edits outside \`layers:\` re-lint incrementally" "status $ls_st; $(cat "$TMP/ls/self.out")"
fi
ls_files=$(find fixtures "$CORPUS" \( -name '*.yaml' -o -name '*.yml' \) -type f 2>/dev/null | sort | xargs grep -l 'layers' 2>/dev/null)
# shellcheck disable=SC2086
"$NNLINT" lsp --self-check --edits 60 --seed 3 $ls_files >"$TMP/ls/self2.out" 2>"$TMP/ls/self2.err"
ls_st=$?
ls_n=$(echo "$ls_files" | grep -c .)
if [ "$ls_st" = 0 ] && [ "$ls_n" -ge 20 ] && grep -q "^self-check: $((ls_n * 60)) edits, [0-9]* incremental, 0 mismatches\$" "$TMP/ls/self2.out"; then
  pass "lsp server: 60 random edits of each of $ls_n fixture and corpus YAML files, incremental re-lint = whole re-lint"
else
  fail "lsp server: 60 random edits of each fixture and corpus YAML file, incremental re-lint = whole re-lint" "status $ls_st, $ls_n files; $(tail -3 "$TMP/ls/self2.out")" "$(head -c 3000 "$TMP/ls/self2.err")"
fi

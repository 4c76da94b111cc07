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

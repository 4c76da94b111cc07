# tests/suite_precommit.sh - the pre-commit hook (.pre-commit-hooks.yaml)
# run by the real `pre-commit` program (Debian package pre-commit,
# installed here when missing and we are root) in a temporary git
# repository: a bad model blocks `git commit` with the finding shown, a
# clean one is committed, a file of no model format is not passed to
# nnlint.  The hook is `language: system`, so the nnlint under test is put
# on PATH.  The repository the config points at holds this checkout's
# .pre-commit-hooks.yaml at a commit (pre-commit clones `repo` at `rev`);
# `pre-commit try-repo` also runs the hook from the checkout itself.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

pc_skip() { printf 'SKIP precommit: %s\n' "$1"; }

pc_ready() {
  command -v git >/dev/null 2>&1 || { PC_WHY="git is not installed"; return 1; }
  command -v pre-commit >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pre-commit ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pre-commit; }
    } >"$TMP/pc_apt.log" 2>&1
  fi
  command -v pre-commit >/dev/null 2>&1 && return 0
  PC_WHY="pre-commit is not installed and cannot be (not root, or apt-get failed: $(tail -1 "$TMP/pc_apt.log" 2>/dev/null))"
  return 1
}

# pc_git DIR ARGS...: git in DIR with a fixed identity and no global config.
pc_git() {
  d=$1; shift
  git -C "$d" -c user.name=nnlint-test -c user.email=test@nnlint.invalid \
    -c commit.gpgsign=false -c init.defaultBranch=main "$@"
}

if ! pc_ready; then
  pc_skip "$PC_WHY"
else
  PC=$TMP/pc
  mkdir -p "$PC/bin" "$PC/hooks" "$PC/proj"
  ln -s "$NNLINT" "$PC/bin/nnlint"
  # pre-commit's cache in TMP; nnlint on PATH; text output
  PC_ENV="env -u GITHUB_ACTIONS PRE_COMMIT_HOME=$PC/cache PATH=$PC/bin:$PATH"

  # the hook definition as a user's clone of this repository has it
  cp "$ROOT/.pre-commit-hooks.yaml" "$PC/hooks/"
  { pc_git "$PC/hooks" init -q && pc_git "$PC/hooks" add .pre-commit-hooks.yaml &&
    pc_git "$PC/hooks" commit -q -m hooks; } >"$TMP/pc.out" 2>&1
  PC_REV=$(git -C "$PC/hooks" rev-parse HEAD 2>/dev/null)

  pc_git "$PC/proj" init -q
  cat >"$PC/proj/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $PC/hooks
    rev: $PC_REV
    hooks:
      - id: nnlint
EOF
  (cd "$PC/proj" && $PC_ENV pre-commit install) >"$TMP/pc.out" 2>&1
  check "precommit: pre-commit install" test -f "$PC/proj/.git/hooks/pre-commit"

  # a bad model: the commit is refused, the finding is shown
  cp fixtures/cli/relu.yaml "$PC/proj/model.yaml"
  pc_git "$PC/proj" add .pre-commit-config.yaml model.yaml
  (cd "$PC/proj" && $PC_ENV git -c user.name=t -c user.email=t@nnlint.invalid -c commit.gpgsign=false commit -m bad) >"$TMP/pc_bad.out" 2>&1
  pc_st=$?
  if [ "$pc_st" != 0 ] && ! git -C "$PC/proj" rev-parse -q --verify HEAD >/dev/null 2>&1 &&
     grep -q "^nnlint\.*Failed" "$TMP/pc_bad.out" && grep -qF "model.yaml:3:41: error:" "$TMP/pc_bad.out" &&
     grep -qF "[NN007 output-activation]" "$TMP/pc_bad.out"; then
    pass "precommit: a bad model blocks the commit, finding shown"
  else
    fail "precommit: a bad model blocks the commit, finding shown" "git commit status $pc_st" "$(head -20 "$TMP/pc_bad.out")"
  fi

  # a clean model (and a file of no model format) is committed
  cp fixtures/cli/clean.yaml "$PC/proj/model.yaml"
  echo "notes" >"$PC/proj/notes.txt"
  pc_git "$PC/proj" add model.yaml notes.txt
  (cd "$PC/proj" && $PC_ENV git -c user.name=t -c user.email=t@nnlint.invalid -c commit.gpgsign=false commit -m good) >"$TMP/pc_good.out" 2>&1
  pc_st=$?
  if [ "$pc_st" = 0 ] && git -C "$PC/proj" rev-parse -q --verify HEAD >/dev/null 2>&1 &&
     grep -q "^nnlint\.*Passed" "$TMP/pc_good.out"; then
    pass "precommit: a clean model is committed"
  else
    fail "precommit: a clean model is committed" "git commit status $pc_st" "$(head -20 "$TMP/pc_good.out")"
  fi

  # only a non-model file: the hook has nothing to check
  echo "more" >>"$PC/proj/notes.txt"
  pc_git "$PC/proj" add notes.txt
  (cd "$PC/proj" && $PC_ENV git -c user.name=t -c user.email=t@nnlint.invalid -c commit.gpgsign=false commit -m notes) >"$TMP/pc_skip.out" 2>&1
  pc_st=$?
  if [ "$pc_st" = 0 ] && grep -q "^nnlint\.*(no files to check)Skipped" "$TMP/pc_skip.out"; then
    pass "precommit: files of no model format are not linted"
  else
    fail "precommit: files of no model format are not linted" "git commit status $pc_st" "$(head -20 "$TMP/pc_skip.out")"
  fi

  # a bad model under a folder the project's .nnlint.yaml excludes: pre-commit
  # names the file, and the hook's --force-exclude keeps it out
  mkdir -p "$PC/proj/vendor"
  cp fixtures/cli/relu.yaml "$PC/proj/vendor/theirs.yaml"
  printf 'exclude: [vendor]\n' >"$PC/proj/.nnlint.yaml"
  pc_git "$PC/proj" add .nnlint.yaml vendor/theirs.yaml
  (cd "$PC/proj" && $PC_ENV git -c user.name=t -c user.email=t@nnlint.invalid -c commit.gpgsign=false commit -m vendor) >"$TMP/pc_excl.out" 2>&1
  pc_st=$?
  if [ "$pc_st" = 0 ] && ! grep -qF "theirs.yaml:" "$TMP/pc_excl.out"; then
    pass "precommit: excluded files are not linted (--force-exclude)"
  else
    fail "precommit: excluded files are not linted (--force-exclude)" "git commit status $pc_st" "$(head -20 "$TMP/pc_excl.out")"
  fi

  # the hook from this checkout itself (its working tree: try-repo takes
  # the changes to tracked files along, not untracked ones)
  if git -C "$ROOT" ls-files --error-unmatch .pre-commit-hooks.yaml >/dev/null 2>&1; then
    cp fixtures/cli/relu.yaml "$PC/proj/bad.yaml"
    (cd "$PC/proj" && $PC_ENV pre-commit try-repo "$ROOT" nnlint --files bad.yaml model.yaml) >"$TMP/pc_try.out" 2>&1
    pc_st=$?
    if [ "$pc_st" = 1 ] && grep -qF "bad.yaml:3:41: error:" "$TMP/pc_try.out" && ! grep -qF "model.yaml:" "$TMP/pc_try.out"; then
      pass "precommit: try-repo on the checkout"
    else
      fail "precommit: try-repo on the checkout" "status $pc_st" "$(head -20 "$TMP/pc_try.out")"
    fi
  else
    pc_skip "try-repo: .pre-commit-hooks.yaml is not tracked in $ROOT (not a git checkout, or not committed yet)"
  fi
fi

# tests/suite_config.sh - .nnlint.yaml: every key, the nearest config,
# --config, --no-config, the command line over the config, errors at the
# config's line:col with status 2, and stdin with --stdin-filename.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

CFG=fixtures/config
PYC=$(python3 -c 'import sys; print(sys.executable)')
# cfg_rules FILE: "path rule severity" per diagnostic of a JSON run
cfg_rules() { "$PYC" -c 'import json,sys
d=json.load(open(sys.argv[1]))
for x in d["diagnostics"]: print(x["path"], x["rule"], x["severity"])' "$1"; }
cfg_has() { if grep -qxF -- "$3" "$2"; then pass "$1"; else fail "$1" "no line '$3' in:" "$(cat "$2")"; fi; }
cfg_lacks() { if grep -qF -- "$3" "$2"; then fail "$1" "unexpected '$3' in:" "$(cat "$2")"; else pass "$1"; fi; }

cp -R "$CFG/proj" "$TMP/proj"
mkdir -p "$TMP/cli" && cp -R fixtures/cli/rules "$TMP/cli/rules"
# rules_dirs is relative to the config's folder: point it at the copy
sed -i 's|rules_dirs: .*|rules_dirs: [../cli/rules]|' "$TMP/proj/.nnlint.yaml"
(cd "$TMP/proj" && "$NNLINT" --format json . >"$TMP/c.json" 2>"$TMP/c.err"; echo $? >"$TMP/c.st")
cfg_rules "$TMP/c.json" >"$TMP/c.txt"
# rules: NN004 off, NN005 info with max_batch_size 512 (1024 is above it)
cfg_lacks "config: rules off" "$TMP/c.txt" "NN004"
cfg_has "config: rules severity and param" "$TMP/c.txt" "m.nnlint.yaml NN005 info"
# rules: NN002 warning (its info check too)
if [ "$(grep -c '^m.nnlint.yaml NN002 warning$' "$TMP/c.txt")" = 2 ]; then pass "config: rules severity"; else fail "config: rules severity" "$(cat "$TMP/c.txt")"; fi
# per_file_ignores: sub/*.nnlint.yaml has no NN002
cfg_lacks "config: per_file_ignores" "$TMP/c.txt" "sub/m.nnlint.yaml NN002"
cfg_has "config: per_file_ignores keeps others" "$TMP/c.txt" "sub/m.nnlint.yaml NN007 error"
# exclude: a folder, and ** globs
cfg_lacks "config: exclude folder" "$TMP/c.txt" "skip/"
cfg_lacks "config: exclude **" "$TMP/c.txt" "x.tmp"
# select NN0 (the XT rules of rules_dirs are loaded but not selected)
cfg_lacks "config: select" "$TMP/c.txt" " XT"
# fail_on: error -> NN007 error fails
if [ "$(cat "$TMP/c.st")" = 1 ]; then pass "config: fail_on error fails"; else fail "config: fail_on error fails" "status $(cat "$TMP/c.st")" "$(cat "$TMP/c.err")"; fi
# a file named on the command line is linted even when excluded
(cd "$TMP/proj" && "$NNLINT" --format json skip/m.nnlint.yaml >"$TMP/c2.json" 2>&1)
cfg_rules "$TMP/c2.json" >"$TMP/c2.txt"
cfg_has "config: explicit file not excluded" "$TMP/c2.txt" "skip/m.nnlint.yaml NN007 error"
# --force-exclude: the exclude applies to named files too (what pre-commit
# passes), and to standard input named by --stdin-filename; other named
# files are still linted, and -v says what was skipped
(cd "$TMP/proj" && "$NNLINT" --force-exclude -v --format json skip/m.nnlint.yaml m.nnlint.yaml >"$TMP/c2f.json" 2>"$TMP/c2f.err"; echo $? >"$TMP/c2f.st")
cfg_rules "$TMP/c2f.json" >"$TMP/c2f.txt"
cfg_lacks "config: --force-exclude skips a named file" "$TMP/c2f.txt" "skip/"
cfg_has "config: --force-exclude lints the others" "$TMP/c2f.txt" "m.nnlint.yaml NN007 error"
if grep -q 'skip/m.nnlint.yaml: skipped: excluded by' "$TMP/c2f.err"; then pass "config: --force-exclude -v says why"; else fail "config: --force-exclude -v says why" "$(cat "$TMP/c2f.err")"; fi
(cd "$TMP/proj" && "$NNLINT" --force-exclude skip/m.nnlint.yaml >"$TMP/c2g.out" 2>&1; echo $? >"$TMP/c2g.st")
if [ "$(cat "$TMP/c2g.st")" = 0 ] && ! grep -q NN007 "$TMP/c2g.out"; then pass "config: --force-exclude alone exits 0"; else fail "config: --force-exclude alone exits 0" "status $(cat "$TMP/c2g.st")" "$(cat "$TMP/c2g.out")"; fi
(cd "$TMP/proj" && "$NNLINT" --force-exclude --format json --stdin-filename skip/m.nnlint.yaml - <skip/m.nnlint.yaml >"$TMP/c2h.json" 2>&1)
cfg_rules "$TMP/c2h.json" >"$TMP/c2h.txt"
cfg_lacks "config: --force-exclude and --stdin-filename" "$TMP/c2h.txt" "NN007"
(cd "$TMP/proj" && "$NNLINT" --format json --stdin-filename skip/m.nnlint.yaml - <skip/m.nnlint.yaml >"$TMP/c2i.json" 2>&1)
cfg_rules "$TMP/c2i.json" >"$TMP/c2i.txt"
cfg_has "config: stdin linted without --force-exclude" "$TMP/c2i.txt" "skip/m.nnlint.yaml NN007 error"
# rules_dirs: the config's rule folder is loaded (select it on the command line)
(cd "$TMP/proj" && "$NNLINT" --format json --select XT m.nnlint.yaml >"$TMP/c3.json" 2>&1)
cfg_rules "$TMP/c3.json" >"$TMP/c3.txt"
cfg_has "config: rules_dirs" "$TMP/c3.txt" "m.nnlint.yaml XT002 error"
# ignore: NN011 (the model has a hidden layer of 64 units: no NN011 either way,
# so check that an ignore of NN007 drops it)
printf 'ignore: [NN007]\n' >"$TMP/ign.yaml"
"$NNLINT" --config "$TMP/ign.yaml" --format json "$TMP/proj/m.nnlint.yaml" >"$TMP/c4.json" 2>&1
cfg_rules "$TMP/c4.json" >"$TMP/c4.txt"
cfg_lacks "config: ignore" "$TMP/c4.txt" "NN007"
# the command line overrides the config
(cd "$TMP/proj" && "$NNLINT" --format json --severity NN005=error --select NN005 m.nnlint.yaml >"$TMP/c5.json" 2>&1)
cfg_rules "$TMP/c5.json" >"$TMP/c5.txt"
cfg_has "config: command line overrides" "$TMP/c5.txt" "m.nnlint.yaml NN005 error"
(cd "$TMP/proj" && "$NNLINT" --fail-on info --select NN005 m.nnlint.yaml >/dev/null 2>&1; echo $? >"$TMP/c.st")
if [ "$(cat "$TMP/c.st")" = 1 ]; then pass "config: --fail-on overrides fail_on"; else fail "config: --fail-on overrides fail_on" "status $(cat "$TMP/c.st")"; fi
# --no-config: defaults (NN004 comes back)
(cd "$TMP/proj" && "$NNLINT" --no-config --format json m.nnlint.yaml >"$TMP/c6.json" 2>&1)
cfg_rules "$TMP/c6.json" >"$TMP/c6.txt"
cfg_has "config: --no-config" "$TMP/c6.txt" "m.nnlint.yaml NN004 warning"
# nearest wins: a config in sub/ replaces the project's for sub/
printf 'rules:\n  NN007: warning\n' >"$TMP/proj/sub/.nnlint.yaml"
(cd "$TMP/proj" && "$NNLINT" --format json sub/m.nnlint.yaml >"$TMP/c7.json" 2>&1)
cfg_rules "$TMP/c7.json" >"$TMP/c7.txt"
cfg_has "config: nearest wins" "$TMP/c7.txt" "sub/m.nnlint.yaml NN007 warning"
cfg_has "config: nearest wins (not merged)" "$TMP/c7.txt" "sub/m.nnlint.yaml NN004 warning"
rm "$TMP/proj/sub/.nnlint.yaml"
# stdin: the config is looked up from --stdin-filename's folder
(cd "$TMP" && "$NNLINT" --format json --stdin-filename proj/sub/new.nnlint.yaml - <"$TMP/proj/m.nnlint.yaml" >"$TMP/c8.json" 2>&1)
cfg_rules "$TMP/c8.json" >"$TMP/c8.txt"
cfg_has "config: stdin uses --stdin-filename's config" "$TMP/c8.txt" "proj/sub/new.nnlint.yaml NN005 info"
cfg_lacks "config: stdin per_file_ignores" "$TMP/c8.txt" "NN002"
# an empty config is valid
: >"$TMP/empty.yaml"
expect_status "config: empty config" 1 "$NNLINT" --config "$TMP/empty.yaml" "$TMP/proj/m.nnlint.yaml"

# ---- errors: file:line:col, status 2 ----
cfg_error() {
  name=$1 file=$2 want=$3
  "$NNLINT" --config "$file" "$TMP/proj/m.nnlint.yaml" >"$TMP/e.out" 2>"$TMP/e.err"
  st=$?
  if [ "$st" = 2 ] && grep -qF -- "$want" "$TMP/e.err" && [ ! -s "$TMP/e.out" ]; then pass "config: error: $name"
  else fail "config: error: $name" "status $st" "$(cat "$TMP/e.err")"; fi
}
cfg_error "unknown key" "$CFG/bad/unknown-key.yaml" "unknown-key.yaml:3:1: error: unknown key 'selec' (did you mean 'select'?)"
cfg_error "unknown rule" "$CFG/bad/unknown-rule.yaml" "unknown-rule.yaml:2:3: error: rules: unknown rule 'NN05' (did you mean NN005?)"
cfg_error "wrong type" "$CFG/bad/wrong-type.yaml" "wrong-type.yaml:1:9: error: 'select' must be a list"
cfg_error "bad parameter value" "$CFG/bad/bad-param.yaml" "bad-param.yaml:2:27: error: NN005 parameter 'max_batch_size' must be a number"
cfg_error "unknown parameter" "$CFG/bad/unknown-param.yaml" "unknown-param.yaml:2:11: error: NN005 has no parameter 'max_size'"
cfg_error "bad level" "$CFG/bad/bad-level.yaml" "bad-level.yaml:1:10: error: 'fail_on' must be error, warning or info"
cfg_error "per_file_ignores rule" "$CFG/bad/pfi-rule.yaml" "pfi-rule.yaml:2:14: error: per_file_ignores: unknown rule 'NN0077'"
printf 'rules: [\n' >"$TMP/broken.yaml"
cfg_error "bad YAML" "$TMP/broken.yaml" "broken.yaml:2:1: error: bad YAML"
cfg_error "missing file" "$TMP/nope.yaml" "cannot read the config"
# a bad nearest config stops the run too
cp "$CFG/bad/unknown-key.yaml" "$TMP/proj/sub/.nnlint.yaml"
(cd "$TMP/proj" && "$NNLINT" sub/m.nnlint.yaml >/dev/null 2>"$TMP/e.err"; echo $? >"$TMP/c.st")
if [ "$(cat "$TMP/c.st")" = 2 ] && grep -q "sub/.nnlint.yaml:3:1: error: unknown key" "$TMP/e.err"; then pass "config: error in a found config"; else fail "config: error in a found config" "$(cat "$TMP/e.err")"; fi
rm "$TMP/proj/sub/.nnlint.yaml"
expect_status "config: --config with --no-config" 2 "$NNLINT" --config "$TMP/empty.yaml" --no-config "$TMP/proj/m.nnlint.yaml"

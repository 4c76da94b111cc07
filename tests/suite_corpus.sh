# tests/suite_corpus.sh - real third-party YAML files (sourced by
# tests/run.sh): $CORPUS/yaml-specs and $CORPUS/training-yaml.
#
# For every file: nnlint does not crash (exit status 0, 1 or 2, never a
# signal); a file that is not an nnlint spec (no top-level `layers` list,
# no `nnlint:` marker) is skipped with a reason under -v and prints
# nothing; and NN000 appears only where the file truly is not valid YAML.
# What "a spec" and "valid YAML" are is decided independently of nnlint,
# with python3's yaml module when it is there (else those checks are
# skipped, visibly).

if [ -z "${CORPUS:-}" ]; then
  echo "   (skipped: no corpus; set CORPUS to ../shared/corpus)"
else

# The oracle: prints "spec" / "nospec" and "valid" / "invalid" for a file.
corpus_oracle=
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  corpus_oracle=python3
else
  echo "   (python3 with yaml missing: spec and YAML-validity checks skipped)"
fi
oracle() {
  python3 - "$1" <<'EOF'
import sys, yaml
class Loader(yaml.SafeLoader):
    pass
# Tags (!!python/..., !ENV) are valid YAML: build them as plain values.
def any_tag(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)
Loader.add_multi_constructor('', any_tag)
try:
    with open(sys.argv[1], 'rb') as f:
        docs = list(yaml.load_all(f, Loader=Loader))
except Exception:
    print('nospec invalid')
    sys.exit(0)
spec = any(isinstance(d, dict) and (isinstance(d.get('layers'), list) or 'nnlint' in d)
           for d in docs)
print(('spec' if spec else 'nospec') + ' valid')
EOF
}

n_files=0
for f in "$CORPUS"/yaml-specs/* "$CORPUS"/training-yaml/*; do
  [ -f "$f" ] || continue
  n_files=$((n_files + 1))
  rel=${f#"$CORPUS"/}
  "$NNLINT" -v "$f" >"$TMP/corpus.out" 2>"$TMP/corpus.err"
  st=$?
  if [ "$st" -le 2 ]; then pass "corpus: $rel: no crash"
  else fail "corpus: $rel: no crash" "exit status $st" "$(head -5 "$TMP/corpus.err")"; continue; fi

  has_nn000=no
  grep -q '\[NN000' "$TMP/corpus.out" && has_nn000=yes

  if [ -n "$corpus_oracle" ]; then
    oracle "$f" >"$TMP/corpus.oracle"
    read -r is_spec validity <"$TMP/corpus.oracle"
    # NN000 exactly where the YAML is invalid.
    if [ "$validity" = invalid ] && [ "$has_nn000" = no ]; then
      fail "corpus: $rel: NN000 on invalid YAML" "$(head -5 "$TMP/corpus.out")"
    elif [ "$validity" = valid ] && [ "$has_nn000" = yes ]; then
      fail "corpus: $rel: no NN000 on valid YAML" "$(head -5 "$TMP/corpus.out")"
    else
      pass "corpus: $rel: NN000 only on invalid YAML"
    fi
    # Valid YAML that is not an nnlint spec: skipped, silent, exit 0.
    if [ "$validity" = valid ] && [ "$is_spec" = nospec ]; then
      if [ -s "$TMP/corpus.out" ] || [ "$st" != 0 ] || ! grep -q 'skipped' "$TMP/corpus.err"; then
        fail "corpus: $rel: skipped silently (not a spec)" "exit status $st" \
          "$(head -5 "$TMP/corpus.out")" "$(head -3 "$TMP/corpus.err")"
      else
        pass "corpus: $rel: skipped silently (not a spec)"
      fi
    fi
  fi
done
if [ "$n_files" -gt 0 ]; then pass "corpus: $n_files files linted"
else fail "corpus: files found" "no file under $CORPUS/yaml-specs or $CORPUS/training-yaml"; fi

# The whole folders in one run: no crash, and JSON output stays well formed.
"$NNLINT" --format json "$CORPUS/yaml-specs" "$CORPUS/training-yaml" >"$TMP/corpus.json" 2>&1
st=$?
if [ "$st" -le 2 ]; then pass "corpus: whole folders in one run"
else fail "corpus: whole folders in one run" "exit status $st"; fi
if [ -n "$corpus_oracle" ]; then
  check "corpus: JSON output parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/corpus.json"
fi

fi

# tests/suite_sarif.sh - `--format sarif`: the log is validated by the SARIF
# Multitool (pinned in tests/sarif/package-lock.json, installed on first use
# into a cache folder outside the checkout), including its GitHub code
# scanning rules, and its content is checked against the JSON reporter's:
# rules, rule indexes, levels, regions, URIs, logical locations of binary
# ONNX findings, and fingerprints that survive edits above a finding.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

SF_PY=$(python3 -c 'import sys; print(sys.executable)')
SF_CACHE=${NNLINT_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nnlint-tests}

# Install the pinned Multitool into $SF_CACHE/sarif (again when the lock
# changed) and set SF_MT to it; non-zero when that is not possible.
sf_install() {
  command -v npm >/dev/null 2>&1 || { SF_WHY="npm is not installed"; return 1; }
  dir=$SF_CACHE/sarif
  SF_MT=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
  if [ ! -f "$SF_MT" ] || ! cmp -s "$ROOT/tests/sarif/package-lock.json" "$dir/package-lock.json"; then
    mkdir -p "$dir" &&
      cp "$ROOT/tests/sarif/package.json" "$ROOT/tests/sarif/package-lock.json" "$dir/" &&
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$TMP/sf_npm.log" 2>&1 ||
      { SF_WHY="npm ci failed: $(tail -3 "$TMP/sf_npm.log")"; rm -f "$dir/package-lock.json"; return 1; }
  fi
  chmod u+x "$SF_MT" 2>/dev/null
  "$SF_MT" --version >"$TMP/sf_ver" 2>&1 || { SF_WHY="the Multitool does not run: $(head -3 "$TMP/sf_ver")"; return 1; }
  return 0
}

# sf_validate NAME WANT FILE...: the Multitool's verdict on the FILEs (one
# run: it takes seconds to start) with its SARIF and GitHub rules, errors
# and warnings, is clean (WANT ok) or names a problem (WANT bad).  Its
# exit status is 0 either way, so the output is what tells.
sf_validate() {
  name=$1; want=$2; shift 2
  "$SF_MT" validate --rule-kind "Sarif;Gh" --level "Error;Warning" "$@" >"$TMP/sf_mt.out" 2>&1
  mt_st=$?
  if [ "$mt_st" = 0 ] && grep -q "Analysis completed successfully" "$TMP/sf_mt.out" &&
     ! grep -Eq ': (error|warning) [A-Z]+[0-9]+' "$TMP/sf_mt.out"; then
    mt_got=ok
  else
    mt_got=bad
  fi
  if [ "$mt_got" = "$want" ]; then pass "$name"; else fail "$name" "Multitool (status $mt_st) says:" "$(grep -v '^$' "$TMP/sf_mt.out" | cut -c1-300 | head -20)"; fi
}

# sf_py NAME SCRIPT ARGS...: run python SCRIPT (which prints problems, one
# a line) over ARGS; pass when it prints nothing.
sf_py() {
  name=$1; script=$2; shift 2
  "$SF_PY" -c "$script" "$@" >"$TMP/sf_py.out" 2>&1
  if [ $? = 0 ] && [ ! -s "$TMP/sf_py.out" ]; then pass "$name"; else fail "$name" "$(head -20 "$TMP/sf_py.out")"; fi
}

# ---- inputs: text with findings, UTF-8, binary ONNX (logical location),
# NN000 from parsing and from reading, clean, outside the current folder,
# a name that needs percent-encoding ----
mkdir -p "$TMP/sf/out"
cp fixtures/cli/relu.yaml "$TMP/sf/out/a b%c.yaml"
sf_run() { # FORMAT: lint SF_INPUTS (split on spaces, but for the one name with a space)
  "$NNLINT" --format "$1" fixtures/examples fixtures/cli/relu.yaml fixtures/cli/utf8.yaml \
    fixtures/onnx/relu_output.onnx fixtures/cli/broken.yaml fixtures/cli/clean.yaml \
    "$TMP/sf/out/a b%c.yaml" fixtures/cli/no-such-file.yaml
}
sf_run sarif >"$TMP/sf/all.sarif" 2>"$TMP/sf/err"
sf_st=$?
sf_run json >"$TMP/sf/all.json" 2>/dev/null
sf_run text >/dev/null 2>&1
sf_text_st=$?
if [ "$sf_st" = 2 ] && [ "$sf_text_st" = 2 ]; then pass "sarif: exit status as text (2)"; else fail "sarif: exit status as text (2)" "sarif $sf_st, text $sf_text_st"; fi
"$NNLINT" --list-rules >"$TMP/sf/rules"
"$NNLINT" --version >"$TMP/sf/version"

# ---- content, against the JSON reporter's findings ----
sf_py "sarif: log, tool, rules and results match the JSON output" '
import json, sys, re
s = json.load(open(sys.argv[1])); j = json.load(open(sys.argv[2]))
listed = [l.split()[0] for l in open(sys.argv[3]) if l.strip()]
version = open(sys.argv[4]).read().split()[1]
def err(*a): print(*a)
if s.get("version") != "2.1.0": err("version", s.get("version"))
if "sarif-schema-2.1.0.json" not in s.get("$schema", ""): err("$schema", s.get("$schema"))
if len(s["runs"]) != 1: err("runs", len(s["runs"]))
run = s["runs"][0]
d = run["tool"]["driver"]
if d.get("name") != "nnlint" or d.get("version") != version: err("driver", d.get("name"), d.get("version"))
if not d.get("informationUri", "").startswith("https://"): err("informationUri")
rules = d["rules"]; ids = [r["id"] for r in rules]
if sorted(ids) != sorted(set(listed) | {"NN000"}): err("rules", ids, "listed", listed)
for r in rules:
    for k in ("shortDescription", "fullDescription", "help"):
        if not r.get(k, {}).get("text"): err("rule", r["id"], "no", k)
    if not r["help"].get("markdown"): err("rule", r["id"], "no help.markdown")
    if not r.get("helpUri", "").startswith("https://"): err("rule", r["id"], "helpUri")
    if r["id"] != "NN000" and not r["helpUri"].endswith("#" + r["id"].lower() + "-" + r["name"]):
        err("rule", r["id"], "helpUri", r["helpUri"])
    if r.get("defaultConfiguration", {}).get("level") not in ("error", "warning", "note", "none"): err("rule", r["id"], "level")
inv = run["invocations"][0]
if inv.get("executionSuccessful") is not True: err("invocations", inv)
if run.get("columnKind") != "unicodeCodePoints": err("columnKind", run.get("columnKind"))
res = run["results"]; diags = j["diagnostics"]
if len(res) != len(diags): err("results", len(res), "json diagnostics", len(diags))
level = {"error": "error", "warning": "warning", "info": "note"}
arts = run["artifacts"]
for i, (r, g) in enumerate(zip(res, diags)):
    w = "result %d (%s %s:%d)" % (i, g["rule"], g["path"], g["line"])
    if r["ruleId"] != g["rule"]: err(w, "ruleId", r["ruleId"])
    if rules[r["ruleIndex"]]["id"] != r["ruleId"]: err(w, "ruleIndex", r["ruleIndex"])
    if r["level"] != level[g["severity"]]: err(w, "level", r["level"])
    if not r["message"]["text"].startswith(g["message"]): err(w, "message", r["message"]["text"])
    if g["fix"] and g["fix"] not in r["message"]["text"]: err(w, "no fix in message")
    loc = r["locations"][0]; pl = loc["physicalLocation"]; rg = pl["region"]
    if (rg["startLine"], rg["startColumn"], rg["endLine"], rg["endColumn"]) != (g["line"], g["column"], g["end_line"], g["end_column"]):
        err(w, "region", rg)
    al = pl["artifactLocation"]
    if arts[al["index"]]["location"]["uri"] != al["uri"]: err(w, "artifact index", al)
    p = g["path"]
    if p.startswith("/"):
        if al["uri"] != "file://" + p.replace("%", "%25").replace(" ", "%20") or "uriBaseId" in al: err(w, "absolute uri", al)
    elif al.get("uriBaseId") != "%SRCROOT%" or al["uri"] != p: err(w, "relative uri", al)
    if g.get("where"):
        ll = loc.get("logicalLocations", [])
        if len(ll) != 1 or ll[0].get("fullyQualifiedName") != g["where"] or not ll[0].get("kind"): err(w, "logicalLocations", ll)
    elif "logicalLocations" in loc: err(w, "unexpected logicalLocations")
    fp = r.get("partialFingerprints", {}).get("primaryLocationLineHash", "")
    if not re.fullmatch(r"[0-9a-f]{16}:[0-9]+", fp): err(w, "fingerprint", fp)
seen = {}
for r in res:
    key = (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["partialFingerprints"]["primaryLocationLineHash"])
    if key in seen: err("duplicate fingerprint", key)
    seen[key] = 1
got = {r["ruleId"] for r in res}
for want in ("NN000", "NN007", "NN009"):
    if want not in got: err("no", want, "result")
if not any("logicalLocations" in r["locations"][0] for r in res): err("no result with a logical location")
if not any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///") for r in res): err("no absolute uri")
if not any("%20" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in res): err("no percent-encoded uri")
' "$TMP/sf/all.sarif" "$TMP/sf/all.json" "$TMP/sf/rules" "$TMP/sf/version"

# a clean run: a valid log with no results
"$NNLINT" --format sarif fixtures/cli/clean.yaml >"$TMP/sf/clean.sarif"
sf_clean_st=$?
sf_py "sarif: clean file: no results, status 0" '
import json, sys
s = json.load(open(sys.argv[1]))
if s["runs"][0]["results"] != []: print("results", s["runs"][0]["results"])
if sys.argv[2] != "0": print("status", sys.argv[2])
' "$TMP/sf/clean.sarif" "$sf_clean_st"

# ---- fingerprints: lines inserted above and re-indented code keep them;
# another finding does not share them ----
mkdir -p "$TMP/sf/fp"
cp fixtures/examples/cifar10_cnn.nnlint.yaml "$TMP/sf/fp/m.yaml"
(cd "$TMP/sf/fp" && "$NNLINT" --format sarif m.yaml >"$TMP/sf/fp1.sarif")
{ printf '# a comment\n# another one\n\n'; sed 's/^\( *\)- {/\1-   {/' fixtures/examples/cifar10_cnn.nnlint.yaml; } >"$TMP/sf/fp/m.yaml"
(cd "$TMP/sf/fp" && "$NNLINT" --format sarif m.yaml >"$TMP/sf/fp2.sarif")
sf_py "sarif: fingerprints survive inserted lines and re-indentation" '
import json, sys
def fps(f):
    r = json.load(open(f))["runs"][0]["results"]
    return [(x["ruleId"], x["partialFingerprints"]["primaryLocationLineHash"], x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in r]
a, b = fps(sys.argv[1]), fps(sys.argv[2])
if not a: print("no results")
if [x[:2] for x in a] != [x[:2] for x in b]: print("changed:", a, b)
if [x[2] + 3 for x in a] != [x[2] for x in b]: print("lines did not move by 3:", a, b)
if len({x[1] for x in a}) != len(a): print("shared fingerprints", a)
' "$TMP/sf/fp1.sarif" "$TMP/sf/fp2.sarif"

# ---- the Multitool ----
if sf_install; then
  set -- "$TMP/sf/all.sarif" "$TMP/sf/clean.sarif" "$TMP/sf/fp2.sarif"
  if [ -n "$CORPUS" ] && [ -d "$CORPUS" ]; then
    "$NNLINT" --format sarif "$CORPUS" >"$TMP/sf/corpus.sarif" 2>/dev/null
    set -- "$@" "$TMP/sf/corpus.sarif"
  fi
  sf_validate "sarif: Multitool: findings of every kind, a clean run, the corpus" ok "$@"
  set --
  # the check can fail: a rule index past the rules, a line 0
  "$SF_PY" -c '
import json, sys
s = json.load(open(sys.argv[1])); r = s["runs"][0]["results"][0]
r["ruleIndex"] = 999; r["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
json.dump(s, open(sys.argv[2], "w"), indent=2)' "$TMP/sf/all.sarif" "$TMP/sf/broken.sarif"
  sf_validate "sarif: Multitool rejects a broken log" bad "$TMP/sf/broken.sarif"
else
  printf 'SKIP sarif: SARIF Multitool not available (%s)\n' "$SF_WHY"
fi

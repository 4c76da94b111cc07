#!/bin/sh
# fields_table.sh - print the Markdown table of rule fields for
# rules/README.md, generated from lint/ir_fields.def (the single source).
#
#   sh lint/engine/fields_table.sh [lint/ir_fields.def]
#
# README keeps the output between the lines `<!-- fields:begin -->` and
# `<!-- fields:end -->`; tests/suite_engine.sh fails when they differ.
set -eu
def=${1:-$(dirname "$0")/../ir_fields.def}
awk '
  /^FIELD\(/ {
    line = $0
    sub(/^FIELD\(/, "", line)
    kind = tolower(substr(line, 1, index(line, ",") - 1))
    # the two quoted strings: name, then doc
    q1 = index(line, "\""); rest = substr(line, q1 + 1)
    name = substr(rest, 1, index(rest, "\"") - 1)
    rest = substr(rest, index(rest, "\"") + 1)
    q2 = index(rest, "\""); rest = substr(rest, q2 + 1)
    doc = rest; sub(/"\)[ \t]*$/, "", doc)
    type = ""
    if (substr(doc, 1, 1) == "(") {
      type = substr(doc, 2, index(doc, ")") - 2)
      doc = substr(doc, index(doc, ")") + 1); sub(/^ +/, "", doc)
    }
    gsub(/\|/, "\\|", doc)
    prefix = kind == "model" ? "" : kind "."
    printf "| `%s%s` | %s | %s |\n", prefix, name, type, doc
  }
  BEGIN { print "| field | type | meaning |"; print "|---|---|---|" }
' "$def"

# nnlint - a static linter for neural-network model definitions.
#
#   make deps      install what is missing (Debian -dev packages, grammar sources)
#   make           build/nnlint
#   make test      the whole test suite (ends with "N passed, N failed")
#   make demo      lint the bundled examples in fixtures/examples/
#   make bench     benchmarks against baselines measured in the same run
#   make asan      build/nnlint-asan with AddressSanitizer and UBSan
#   make fuzz      libFuzzer targets in build/fuzz/ (tests/fuzz/run.sh runs them)
#   make fuzz-smoke  each fuzz target for about 20 s; fails on a crash
#   make valgrind  memcheck over the golden tests and files of every format
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
CC      ?= cc
PKGS    := yaml-0.1 libpcre2-8 jansson tree-sitter zlib
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) -Ilint -I$(B)
B       := build

# Debian packages the build needs: pkg-config name -> package.
DEB_PKGS := pkg-config libyaml-dev libpcre2-dev libjansson-dev libtree-sitter-dev zlib1g-dev

SRCS    := $(wildcard lint/*.c lint/*/*.c)
OBJS    := $(SRCS:%.c=$(B)/obj/%.o)
ASAN_OBJS := $(SRCS:%.c=$(B)/asan/%.o)
RULES   := $(sort $(wildcard rules/NN*.yaml))

# Grammar sources (third-party, generated): installed by `make deps` from
# grammars/package-lock.json, compiled with relaxed flags of their own.
TS_PY        := grammars/node_modules/tree-sitter-python/src
GRAMMAR_OBJS := $(B)/obj/grammars/python/parser.o $(B)/obj/grammars/python/scanner.o
GRAMMAR_CFLAGS := -O2 -g -w -std=c11 -I$(TS_PY)

# $(call apt_install,PACKAGES,WHY): install the Debian packages that are
# missing (through sudo when not root), saying what for.
apt_install = missing=""; for p in $(1); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "$(2):$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

.PHONY: all deps test demo bench asan install clean check-deps print-libs

all: $(B)/nnlint

# The build needs pkg-config to know the libraries; `make deps` installs them.
# Every build target checks first and installs what is missing.
check-deps:
	@pkg-config --exists $(PKGS) 2>/dev/null && [ -d grammars/node_modules ] || \
	  $(MAKE) --no-print-directory deps

deps:
	@$(call apt_install,$(DEB_PKGS),installing)
	@if [ ! -d grammars/node_modules ] || [ grammars/package-lock.json -nt grammars/node_modules ]; then \
	  echo "installing pinned grammar sources (grammars/package-lock.json)"; \
	  cd grammars && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules; \
	fi

LIBS = $(shell pkg-config --libs $(PKGS)) -lm -lpthread
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))

# Built-in rules are compiled in: rules/*.yaml -> build/rules_builtin.c
$(B)/rules_builtin.c: $(RULES) lint/engine/embed.sh
	@mkdir -p $(B)
	sh lint/engine/embed.sh $(RULES) > $@.tmp && mv $@.tmp $@

$(B)/obj/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(B)/nnlint: $(OBJS) $(GRAMMAR_OBJS) $(B)/obj/rules_builtin.o
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# A fresh clone has no grammar sources yet: `make deps` installs them.
$(TS_PY)/parser.c $(TS_PY)/scanner.c:
	@$(MAKE) --no-print-directory deps
$(B)/obj/grammars/python/%.o: $(TS_PY)/%.c grammars/package-lock.json
	@mkdir -p $(dir $@)
	$(CC) $(GRAMMAR_CFLAGS) -c $< -o $@

$(B)/obj/rules_builtin.o: $(B)/rules_builtin.c
	$(CC) $(CFLAGS) -c $< -o $@

# ---- sanitizers ----
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
asan: $(B)/nnlint-asan
$(B)/asan/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(B)/nnlint-asan: $(ASAN_OBJS) $(GRAMMAR_OBJS) $(B)/rules_builtin.c
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $(ASAN_OBJS) $(GRAMMAR_OBJS) $(B)/rules_builtin.c $(LIBS)

# ---- fuzzing (tests/fuzz/: libFuzzer targets, clang) ----
# One target per front end, the rule loader, the config loader and the LSP
# message reader; each runs its input through the whole pipeline.  The
# command (lint/cli/main.c) is not linked in: libFuzzer brings main().
.PHONY: fuzz fuzz-deps fuzz-smoke valgrind
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) -Ilint -I$(B) \
                -Itests/fuzz $(FUZZ_SAN)
FUZZ_SRCS    := $(filter-out lint/cli/main.c,$(SRCS)) tests/fuzz/fuzz.c
FUZZ_OBJS    := $(FUZZ_SRCS:%.c=$(B)/fuzz/obj/%.o) $(B)/fuzz/obj/rules_builtin.o \
                $(B)/fuzz/obj/grammars/python/parser.o \
                $(B)/fuzz/obj/grammars/python/scanner.o
FUZZ_TARGETS := yaml onnx onnx_text keras_json keras_py rules config lsp
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
.SECONDARY: $(FUZZ_OBJS)

# clang and its libFuzzer/sanitizer runtimes, from Debian.
FUZZ_DEB_PKGS := clang libclang-rt-14-dev
fuzz-deps:
	@$(call apt_install,$(FUZZ_DEB_PKGS),installing for fuzzing)
fuzz: $(FUZZ_BINS)
$(B)/fuzz/obj/%.o: %.c | check-deps fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(B)/fuzz/obj/rules_builtin.o: $(B)/rules_builtin.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(B)/fuzz/obj/grammars/python/%.o: $(TS_PY)/%.c grammars/package-lock.json
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(GRAMMAR_CFLAGS) $(FUZZ_SAN) -c $< -o $@
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(LIBS)

# About 20 s per target; fails when a target crashes, leaks or hangs.
fuzz-smoke: $(FUZZ_BINS)
	@B=$(B) sh tests/fuzz/run.sh -smoke all $${FUZZ_SECONDS:-20}

# valgrind memcheck over the golden tests and files of every format.
valgrind: $(B)/nnlint
	@$(call apt_install,valgrind,installing for memcheck)
	@NNLINT=$(B)/nnlint sh tests/valgrind.sh

# ---- use ----
# Debian packages the test suite drives: Neovim (its own LSP client runs
# against `nnlint lsp` in tests/suite_lsp_server.sh).
TEST_DEB_PKGS := neovim
test: $(B)/nnlint
	@$(call apt_install,$(TEST_DEB_PKGS),installing for the tests)
	@sh tests/run.sh

demo: $(B)/nnlint
	-$(B)/nnlint fixtures/examples/

# YAML specs, then ONNX binary and ONNX text (those two generate their
# models and run the reference parser with Debian's python3-onnx).
BENCH_DEB_PKGS := python3-onnx python3-numpy
bench: $(B)/nnlint
	@$(call apt_install,$(BENCH_DEB_PKGS),installing for the benchmarks)
	@B=$(B) CC="$(CC)" sh bench/run.sh
	@B=$(B) CC="$(CC)" NNLINT=$(B)/nnlint sh bench/onnx.sh
	@B=$(B) CC="$(CC)" NNLINT=$(B)/nnlint sh bench/onnx_text.sh
	@B=$(B) CC="$(CC)" NNLINT=$(B)/nnlint sh bench/keras_py.sh
	@B=$(B) CC="$(CC)" NNLINT=$(B)/nnlint sh bench/lsp.sh

install: $(B)/nnlint
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	           $(DESTDIR)$(PREFIX)/share/nnlint/rules
	install -m 755 $(B)/nnlint $(DESTDIR)$(PREFIX)/bin/nnlint
	install -m 644 docs/nnlint.1 $(DESTDIR)$(PREFIX)/share/man/man1/nnlint.1
	install -m 644 $(RULES) $(DESTDIR)$(PREFIX)/share/nnlint/rules/

# The link flags, for test drivers built outside make.
print-libs:
	@echo $(LIBS)

clean:
	rm -rf $(B)

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)

/*
 * fuzz_config.c - libFuzzer target: one `.nnlint.yaml` through the config
 * loader, then, when it loads, applied to the built-in rules (rule ids,
 * severities, parameters), its exclude and per_file_ignores globs matched
 * against a few paths, and a sample model linted under it with every
 * reporter; see fuzz.h.  The config's rules_dirs are not loaded: they name
 * folders anywhere on the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "fuzz.h"
#include "suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Paths below the config's folder (and one outside) to match globs on. */
static const char *const probes[] = {
    "model.nnlint.yaml", "sub/dir/net.onnx", "a/b/c/d/e.py", "x.json",
    "../outside.yaml",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s/cfg", fz_tmpdir());
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/" NNL_CONFIG_NAME, dir);
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  if (fclose(f) != 0) abort();

  nnl_error err = {0};
  nnl_config *c = nnl_config_load(path, &err);
  if (!c) return 0;
  nnl_ruleset *rs = nnl_ruleset_new();
  if (nnl_ruleset_load_builtin(rs, &err) != 0 ||
      nnl_suppress_register(rs, &err) != 0)
    abort();
  if (nnl_config_apply(c, rs, &err) == 0) {
    char abs[1200];
    const char **ignores = NULL;
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
      snprintf(abs, sizeof abs, "%s/%s", c->dir, probes[i]);
      (void)nnl_config_excluded(c, abs);
      const char **ids = nnl_config_ignores_for(c, abs);
      if (i == 0) ignores = ids;
      else free(ids);
    }
    fz_opts o = {.rules = rs,
                 .select = c->select_list,
                 .ignore = c->ignore_list,
                 .file_ignores = ignores};
    fz_lint_with(&o, "cfg/model.nnlint.yaml", NNL_FMT_YAML_SPEC,
                 (const uint8_t *)fz_sample_spec, strlen(fz_sample_spec));
    free(ignores);
  }
  nnl_ruleset_free(rs);
  nnl_config_free(c);
  return 0;
}

/* args.c: the command line. One option table drives parsing and --help.
 *
 * Configuration precedence: command line > [tool.pyshift] in the nearest
 * pyproject.toml > its [project] requires-python > defaults. argv is read
 * twice: once for --config/--isolated, which decide which pyproject.toml to
 * read, then in full on top of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_internal.h"
#include "run/run.h"

enum {
  CMD_CHECK = 1 << 0,
  CMD_RULES = 1 << 1,
  CMD_EXPLAIN = 1 << 2,
  CMD_CLEAN = 1 << 3,
};

typedef enum OptId {
  O_HELP, O_VERSION, O_SELECT, O_IGNORE, O_EXTEND_SELECT, O_TARGET, O_MIN_PYTHON, O_FORMAT, O_OUTPUT,
  O_JOBS, O_EXCLUDE, O_EXTEND_EXCLUDE, O_NO_GITIGNORE, O_FORCE_EXCLUDE, O_STDIN_FILENAME, O_RULES,
  O_EXIT_ZERO, O_STATISTICS, O_QUIET, O_SHOW_SOURCE, O_NO_SHOW_SOURCE, O_COLOR, O_CONFIG, O_ISOLATED,
  O_AUTOMATION_ID, O_MAX_FILE_SIZE, O_FILE_TIMEOUT, O_PREVIEW, O_MARKDOWN, O_CHECK_RULES,
  O_FIX, O_NO_FIX, O_UNSAFE_FIXES, O_NO_UNSAFE_FIXES, O_DIFF,
  O_MAX_FILE_MEMORY, O_PROJECT_ROOT,
  O_FAIL_ON, O_BASELINE, O_WRITE_BASELINE, O_ADD_NOQA, O_REPORT_UNUSED_IGNORES, O_SINCE,
  O_NO_CACHE, O_CACHE_DIR,
} OptId;

typedef struct Opt {
  OptId id;
  const char *name;  /* long name without dashes */
  char short_name;   /* 0 if none */
  const char *arg;   /* metavariable, NULL for flags */
  unsigned commands; /* where it is accepted */
  const char *help;
} Opt;

static const Opt OPTS[] = {
    {O_SELECT, "select", 0, "IDS", CMD_CHECK | CMD_RULES,
     "rules to enable: ids, prefixes (RM, FT0) or ALL, comma-separated"},
    {O_EXTEND_SELECT, "extend-select", 0, "IDS", CMD_CHECK | CMD_RULES, "rules to enable on top of --select"},
    {O_IGNORE, "ignore", 0, "IDS", CMD_CHECK | CMD_RULES, "rules to disable (ids or prefixes)"},
    {O_TARGET, "target-version", 0, "VER", CMD_CHECK | CMD_RULES,
     "Python you are moving to: 3.12, 3.13, 3.14, 3.15, with t for free-threaded (default 3.14)"},
    {O_MIN_PYTHON, "min-python", 0, "VER", CMD_CHECK | CMD_RULES,
     "oldest Python the code must run on (default: requires-python, else 3.9)"},
    {O_FORMAT, "format", 0, "FMT[=FILE]", CMD_CHECK,
     "text, json, sarif, github, html, gitlab or junit; repeat for several outputs (sarif=out.sarif), at most one on stdout"},
    {O_OUTPUT, "output-file", 'o', "FILE", CMD_CHECK, "write the output of the --format given without =FILE to FILE"},
    {O_JOBS, "jobs", 'j', "N", CMD_CHECK, "worker threads (default: number of cores)"},
    {O_EXCLUDE, "exclude", 0, "GLOBS", CMD_CHECK, "paths to skip, replacing the default list"},
    {O_EXTEND_EXCLUDE, "extend-exclude", 0, "GLOBS", CMD_CHECK, "paths to skip on top of the defaults"},
    {O_NO_GITIGNORE, "no-respect-gitignore", 0, NULL, CMD_CHECK, "scan files that .gitignore excludes"},
    {O_FORCE_EXCLUDE, "force-exclude", 0, NULL, CMD_CHECK,
     "apply excludes to paths named on the command line too (for pre-commit)"},
    {O_STDIN_FILENAME, "stdin-filename", 0, "NAME", CMD_CHECK,
     "scan standard input, reported as NAME (with --fix: the fixed source to stdout, the report to stderr)"},
    {O_FIX, "fix", 0, NULL, CMD_CHECK, "apply safe fixes, rewriting the files; report what is left"},
    {O_NO_FIX, "no-fix", 0, NULL, CMD_CHECK, "apply no fixes (overrides `fix = true`)"},
    {O_UNSAFE_FIXES, "unsafe-fixes", 0, NULL, CMD_CHECK, "with --fix or --diff, apply unsafe fixes too"},
    {O_NO_UNSAFE_FIXES, "no-unsafe-fixes", 0, NULL, CMD_CHECK, "apply only safe fixes (overrides `unsafe-fixes = true`)"},
    {O_DIFF, "diff", 0, NULL, CMD_CHECK,
     "print a unified diff of what --fix would change, write nothing (wins over --fix)"},
    {O_RULES, "rules", 0, "DIR", CMD_CHECK | CMD_RULES | CMD_EXPLAIN, "load extra rule files from DIR"},
    {O_EXIT_ZERO, "exit-zero", 0, NULL, CMD_CHECK, "exit 0 even when there are findings"},
    {O_FAIL_ON, "fail-on", 0, "SEVERITY", CMD_CHECK,
     "exit 1 only for findings at or above error, warning, info or hint (default: hint, any finding)"},
    {O_BASELINE, "baseline", 0, "FILE", CMD_CHECK, "report only findings not recorded in FILE (--write-baseline)"},
    {O_WRITE_BASELINE, "write-baseline", 0, "FILE", CMD_CHECK, "record the findings of this run in FILE"},
    {O_ADD_NOQA, "add-noqa", 0, NULL, CMD_CHECK,
     "add `# pyshift: ignore[ID]` to the line of every finding, rewriting the files"},
    {O_REPORT_UNUSED_IGNORES, "report-unused-ignores", 0, NULL, CMD_CHECK,
     "report `# pyshift: ignore` codes that suppress nothing (PS100)"},
    {O_SINCE, "since", 0, "REF", CMD_CHECK, "report only findings on lines changed since the git REF"},
    {O_NO_CACHE, "no-cache", 0, NULL, CMD_CHECK, "neither read nor write the result cache (docs/cache.md)"},
    {O_CACHE_DIR, "cache-dir", 0, "DIR", CMD_CHECK | CMD_CLEAN,
     "the result cache (default: .pyshift_cache in the project, else $XDG_CACHE_HOME/pyshift)"},
    {O_STATISTICS, "statistics", 0, NULL, CMD_CHECK, "print counts per rule instead of findings"},
    {O_QUIET, "quiet", 'q', NULL, CMD_CHECK | CMD_CLEAN, "no summary line"},
    {O_SHOW_SOURCE, "show-source", 0, NULL, CMD_CHECK, "text format: show the source line and a caret"},
    {O_NO_SHOW_SOURCE, "no-show-source", 0, NULL, CMD_CHECK, "text format: one line per finding (default)"},
    {O_COLOR, "color", 0, "WHEN", CMD_CHECK, "auto, always or never (auto: only on a terminal)"},
    {O_CONFIG, "config", 0, "FILE", CMD_CHECK | CMD_RULES | CMD_CLEAN, "read this pyproject.toml instead of the nearest"},
    {O_ISOLATED, "isolated", 0, NULL, CMD_CHECK | CMD_RULES | CMD_CLEAN, "ignore every pyproject.toml"},
    {O_AUTOMATION_ID, "automation-id", 0, "ID", CMD_CHECK, "SARIF runs[0].automationDetails.id"},
    {O_PROJECT_ROOT, "project-root", 0, "DIR", CMD_CHECK,
     "SARIF URIs are relative to DIR (default: the git work tree's top, else the working directory)"},
    {O_MAX_FILE_SIZE, "max-file-size", 0, "BYTES", CMD_CHECK, "skip (and report) larger files"},
    {O_MAX_FILE_MEMORY, "max-file-memory", 0, "SIZE", CMD_CHECK,
     "memory budget per file (k/M/G suffix; default: half the memory shared by the jobs, 256M to 2G)"},
    {O_FILE_TIMEOUT, "file-timeout", 0, "SECONDS", CMD_CHECK,
     "CPU time budget for scanning one file: parse, analyses, queries, fixes (default 20); a file over it is reported"},
    {O_PREVIEW, "preview", 0, NULL, CMD_CHECK | CMD_RULES, "enable preview rules"},
    {O_MARKDOWN, "markdown", 0, "DIR", CMD_RULES, "write docs/rules-style Markdown pages to DIR"},
    {O_CHECK_RULES, "check", 0, NULL, CMD_RULES,
     "fail if a rule lacks required docs sections or its fixture"},
    {O_VERSION, "version", 'V', NULL, CMD_CHECK | CMD_RULES | CMD_EXPLAIN | CMD_CLEAN, "print the version"},
    {O_HELP, "help", 'h', NULL, CMD_CHECK | CMD_RULES | CMD_EXPLAIN | CMD_CLEAN, "print this help"},
};
#define N_OPTS (sizeof OPTS / sizeof OPTS[0])

static void usage(FILE *out, unsigned cmd) {
  if (!cmd) {
    fprintf(out,
            "pyshift %s: find what breaks, races or looks dated on Python 3.13, 3.14, 3.15 and 3.14t\n\n"
            "usage: pyshift check [OPTIONS] [PATHS...]   scan files and directories (default .)\n"
            "       pyshift rules [OPTIONS]              list the rules\n"
            "       pyshift explain ID                   show a rule's documentation\n"
            "       pyshift clean [OPTIONS]              remove the result cache of the project\n"
            "       pyshift --version\n\n"
            "run `pyshift check --help` for the scan options\n"
            "exit status: 0 nothing reported, 1 findings, 2 an error occurred\n",
            PS_VERSION);
    return;
  }
  const char *name = cmd == CMD_CHECK   ? "check [OPTIONS] [PATHS...]"
                     : cmd == CMD_RULES ? "rules [OPTIONS]"
                     : cmd == CMD_CLEAN ? "clean [OPTIONS]"
                                        : "explain ID";
  fprintf(out, "usage: pyshift %s\n\noptions:\n", name);
  for (size_t i = 0; i < N_OPTS; i++) {
    const Opt *o = &OPTS[i];
    if (!(o->commands & cmd)) continue;
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    fprintf(out, "  %-34s %s\n", left, o->help);
  }
  if (cmd == CMD_CHECK)
    fprintf(out, "\nexit status: 0 nothing reported, 1 findings (at or above --fail-on), 2 an error occurred\n"
                 "  (--fix: 1 only if findings remain; --diff: 1 if something would be fixed)\n");
}

static bool usage_quiet; /* set during the prescan, which must not print */

static int usage_error(const char *fmt, const char *arg) {
  if (usage_quiet) return 2;
  fprintf(stderr, "pyshift: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nrun `pyshift --help` for usage\n");
  return 2;
}

/* Finds the option for argv[*i]; sets *value for options with an argument
 * (`--x=v`, `--x v`, `-xv`, `-x v`). Returns NULL on error (printed). */
static const Opt *match_opt(int argc, char **argv, int *i, const char **value, unsigned cmd, int *rc) {
  const char *a = argv[*i];
  const Opt *o = NULL;
  const char *inline_val = NULL;
  *value = NULL;
  if (a[1] == '-') {
    const char *eq = strchr(a + 2, '=');
    size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    for (size_t k = 0; k < N_OPTS; k++)
      if (strlen(OPTS[k].name) == n && !strncmp(OPTS[k].name, a + 2, n)) o = &OPTS[k];
    if (eq) inline_val = eq + 1;
  } else {
    for (size_t k = 0; k < N_OPTS; k++)
      if (OPTS[k].short_name && OPTS[k].short_name == a[1]) o = &OPTS[k];
    if (o && a[2]) inline_val = a + 2;
  }
  if (!o || !(o->commands & cmd)) {
    *rc = usage_error("unknown option %s", a);
    return NULL;
  }
  if (o->arg) {
    if (inline_val) *value = inline_val;
    else if (*i + 1 < argc) *value = argv[++*i];
    else {
      *rc = usage_error("option %s needs a value", a);
      return NULL;
    }
  } else if (inline_val) {
    *rc = usage_error("option %s takes no value", a);
    return NULL;
  }
  return o;
}

static int parse_format(const char *s, PsFormat *f) {
  static const struct { const char *name; PsFormat f; } F[] = {
      {"text", PS_FORMAT_TEXT}, {"json", PS_FORMAT_JSON}, {"sarif", PS_FORMAT_SARIF}, {"github", PS_FORMAT_GITHUB},
      {"html", PS_FORMAT_HTML}, {"gitlab", PS_FORMAT_GITLAB}, {"junit", PS_FORMAT_JUNIT}};
  for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
    if (!strcmp(s, F[i].name)) return *f = F[i].f, 0;
  return PS_E_USAGE;
}

static bool exists_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

typedef struct Cli {
  unsigned cmd;
  const char *config_path;
  const char *first_path; /* the first path to check, for finding the pyproject.toml */
  bool isolated;
  const char *markdown_dir;
  bool check_rules;
  const char *explain_id;
  const char *output_file;
} Cli;

/* Applies argv to cfg. Returns -1 to go on, else an exit code. */
static int apply_args(int argc, char **argv, int first, Cli *cli, PsConfig *cfg, bool prescan) {
  bool formats_given = false, excludes_given = false;
  bool paths_seen = false;
  for (int i = first; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !strcmp(a, "-") || paths_seen) {
      if (prescan) {
        if (!cli->first_path && cli->cmd == CMD_CHECK) cli->first_path = a;
        continue;
      }
      if (cli->cmd == CMD_EXPLAIN) {
        if (cli->explain_id) return usage_error("explain takes one rule id, got also %s", a);
        cli->explain_id = a;
      } else if (cli->cmd == CMD_CHECK) {
        ps_strlist_push(&cfg->paths, a);
      } else {
        return usage_error("unexpected argument %s", a);
      }
      continue;
    }
    if (!strcmp(a, "--")) {
      paths_seen = true;
      continue;
    }
    const char *v;
    int rc = 2;
    const Opt *o = match_opt(argc, argv, &i, &v, cli->cmd, &rc);
    if (!o) return prescan ? -1 : rc;
    if (prescan) {
      if (o->id == O_CONFIG) cli->config_path = v;
      if (o->id == O_ISOLATED) cli->isolated = true;
      continue;
    }
    switch (o->id) {
      case O_HELP: usage(stdout, cli->cmd); return 0;
      case O_VERSION: printf("pyshift %s\n", PS_VERSION); return 0;
      case O_SELECT:
        ps_strlist_free(&cfg->select);
        ps_strlist_push_csv(&cfg->select, v);
        cfg->select_set = true;
        break;
      case O_EXTEND_SELECT: ps_strlist_push_csv(&cfg->extend_select, v); break;
      case O_IGNORE: ps_strlist_push_csv(&cfg->ignore, v); break;
      case O_TARGET:
        if (ps_pyver_parse(v, &cfg->target) != 0 || !ps_config_target_supported(cfg->target))
          return usage_error("--target-version must be " PS_CONFIG_TARGET_HELP ", got %s", v);
        break;
      case O_MIN_PYTHON:
        if (ps_pyver_parse(v, &cfg->min_python) != 0 || cfg->min_python.free_threaded)
          return usage_error("--min-python must be a version like 3.9, got %s", v);
        cfg->min_python_set = true;
        snprintf(cfg->min_python_origin, sizeof cfg->min_python_origin, "--min-python");
        break;
      case O_FORMAT: {
        char fmt[32];
        const char *eq = strchr(v, '=');
        snprintf(fmt, sizeof fmt, "%.*s", eq ? (int)(eq - v) : (int)strlen(v), v);
        PsFormat f;
        if (parse_format(fmt, &f) != 0) return usage_error("unknown format %s (text, json, sarif, github, html, gitlab, junit)", fmt);
        if (!formats_given) {
          for (size_t k = 0; k < cfg->n_outputs; k++) free(cfg->outputs[k].path);
          cfg->n_outputs = 0;
          formats_given = true;
        }
        ps_config_add_output(cfg, f, eq ? eq + 1 : NULL);
        break;
      }
      case O_OUTPUT: cli->output_file = v; break;
      case O_JOBS: {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 256) return usage_error("--jobs must be a number from 1 to 256, got %s", v);
        cfg->jobs = (int)n;
        break;
      }
      case O_EXCLUDE:
        if (!excludes_given) ps_strlist_free(&cfg->exclude); /* replaces the configured list */
        excludes_given = true;
        ps_strlist_push_csv(&cfg->exclude, v);
        cfg->exclude_set = true;
        break;
      case O_EXTEND_EXCLUDE: ps_strlist_push_csv(&cfg->extend_exclude, v); break;
      case O_NO_GITIGNORE: cfg->respect_gitignore = false; break;
      case O_FORCE_EXCLUDE: cfg->force_exclude = true; break;
      case O_STDIN_FILENAME:
        free(cfg->stdin_filename);
        cfg->stdin_filename = ps_xstrdup(v);
        break;
      case O_RULES: ps_strlist_push(&cfg->rules_dirs, v); break;
      case O_EXIT_ZERO: cfg->exit_zero = true; break;
      case O_FAIL_ON:
        if (ps_severity_parse(v, &cfg->fail_on) != 0)
          return usage_error("--fail-on must be error, warning, info or hint, got %s", v);
        break;
      case O_BASELINE:
        free(cfg->baseline);
        cfg->baseline = ps_xstrdup(v);
        break;
      case O_WRITE_BASELINE:
        free(cfg->write_baseline);
        cfg->write_baseline = ps_xstrdup(v);
        break;
      case O_ADD_NOQA: cfg->add_noqa = true; break;
      case O_REPORT_UNUSED_IGNORES: cfg->report_unused_ignores = true; break;
      case O_SINCE:
        free(cfg->since);
        cfg->since = ps_xstrdup(v);
        break;
      case O_NO_CACHE: cfg->no_cache = true; break;
      case O_CACHE_DIR:
        if (!*v) return usage_error("--cache-dir needs a directory, got %s", "\"\"");
        free(cfg->cache_dir);
        cfg->cache_dir = ps_xstrdup(v);
        cfg->cache_dir_from_config = false;
        break;
      case O_STATISTICS: cfg->statistics = true; break;
      case O_QUIET: cfg->quiet = true; break;
      case O_SHOW_SOURCE: cfg->show_source = true; break;
      case O_NO_SHOW_SOURCE: cfg->show_source = false; break;
      case O_COLOR:
        if (!strcmp(v, "auto")) cfg->color = PS_COLOR_AUTO;
        else if (!strcmp(v, "always")) cfg->color = PS_COLOR_ALWAYS;
        else if (!strcmp(v, "never")) cfg->color = PS_COLOR_NEVER;
        else return usage_error("--color must be auto, always or never, got %s", v);
        break;
      case O_CONFIG:
      case O_ISOLATED: break; /* handled by the prescan */
      case O_AUTOMATION_ID:
        free(cfg->automation_id);
        cfg->automation_id = ps_xstrdup(v);
        break;
      case O_PROJECT_ROOT: {
        char *real = realpath(v, NULL);
        if (!real || !exists_dir(real)) {
          free(real);
          return usage_error("--project-root %s: not a directory", v);
        }
        free(cfg->uri_root);
        cfg->uri_root = real;
        break;
      }
      case O_MAX_FILE_SIZE: {
        /* 0 is refused here and in the pyproject.toml alike (it is not
         * "no limit"); so are signs (strtoull takes "-1" for 2^64-1) and
         * values that overflow with their suffix. */
        char *end = NULL;
        unsigned long long n = 0;
        int shift = 0;
        errno = 0;
        if (*v >= '0' && *v <= '9') n = strtoull(v, &end, 10);
        if (n && (*end == 'k' || *end == 'K')) shift = 10, end++;
        else if (n && (*end == 'm' || *end == 'M')) shift = 20, end++;
        if (!n || *end || errno == ERANGE || n > (unsigned long long)(SIZE_MAX >> shift))
          return usage_error("--max-file-size must be a positive number of bytes (k/M suffix), got %s", v);
        cfg->max_file_size = (size_t)(n << shift);
        break;
      }
      case O_MAX_FILE_MEMORY: {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        int shift = *end == 'k' || *end == 'K' ? 10 : *end == 'm' || *end == 'M' ? 20 : *end == 'g' || *end == 'G' ? 30 : 0;
        if (shift) end++;
        if (*end || !n || v[0] == '-' || errno || n > (SIZE_MAX >> shift))
          return usage_error("--max-file-memory must be a positive number of bytes (k/M/G suffix), got %s", v);
        cfg->max_file_memory = (size_t)n << shift;
        break;
      }
      case O_FILE_TIMEOUT: {
        char *end;
        double secs = strtod(v, &end);
        if (*end || !(secs > 0) || secs > 3600) return usage_error("--file-timeout must be seconds between 0 and 3600, got %s", v);
        cfg->file_timeout_ms = (unsigned)(secs * 1000 + 0.5);
        if (!cfg->file_timeout_ms) cfg->file_timeout_ms = 1;
        break;
      }
      case O_PREVIEW: cfg->preview = true; break;
      case O_FIX: cfg->fix = true; break;
      case O_NO_FIX: cfg->fix = false; break;
      case O_UNSAFE_FIXES: cfg->unsafe_fixes = true; break;
      case O_NO_UNSAFE_FIXES: cfg->unsafe_fixes = false; break;
      case O_DIFF: cfg->diff = true; break;
      case O_MARKDOWN: cli->markdown_dir = v; break;
      case O_CHECK_RULES: cli->check_rules = true; break;
    }
  }
  return -1;
}

/* Where an output file lands, for comparing two outputs: "d:i" of an
 * existing file, else its directory's real path joined with its name (a file
 * that does not exist yet). NULL for standard output and for existing files
 * that are not regular (/dev/null may take several outputs). Heap. */
static char *output_key(const char *path) {
  struct stat st;
  if (!path || !strcmp(path, "-")) return NULL;
  if (stat(path, &st) == 0)
    return S_ISREG(st.st_mode) ? ps_xasprintf("inode %ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino) : NULL;
  const char *slash = strrchr(path, '/');
  char *dir = slash ? ps_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : ps_xstrdup(".");
  char *real = realpath(dir, NULL);
  char *key = ps_xasprintf("path %s/%s", real ? real : dir, slash ? slash + 1 : path);
  free(real);
  free(dir);
  return key;
}

/* Two outputs to one file: the second rename would silently win. */
static int check_outputs_distinct(const PsConfig *cfg) {
  int rc = -1;
  char **keys = ps_xcalloc(cfg->n_outputs ? cfg->n_outputs : 1, sizeof(char *));
  for (size_t i = 0; i < cfg->n_outputs && rc < 0; i++) {
    keys[i] = output_key(cfg->outputs[i].path);
    for (size_t k = 0; k < i && keys[i] && rc < 0; k++)
      if (keys[k] && !strcmp(keys[k], keys[i])) {
        char msg[PATH_MAX + 128];
        bool same = !strcmp(cfg->outputs[k].path, cfg->outputs[i].path);
        snprintf(msg, sizeof msg, "%s: two outputs would write this file%s%s%s; give each its own",
                 cfg->outputs[i].path, same ? "" : " (also as ", same ? "" : cfg->outputs[k].path,
                 same ? "" : ")");
        rc = usage_error("%s", msg);
      }
  }
  for (size_t i = 0; i < cfg->n_outputs; i++) free(keys[i]);
  free(keys);
  return rc;
}

static const char *format_name(PsFormat f) {
  switch (f) {
    case PS_FORMAT_JSON: return "json";
    case PS_FORMAT_SARIF: return "sarif";
    case PS_FORMAT_GITHUB: return "github";
    case PS_FORMAT_HTML: return "html";
    case PS_FORMAT_GITLAB: return "gitlab";
    case PS_FORMAT_JUNIT: return "junit";
    default: return "text";
  }
}

/* Two reports on standard output would interleave into something no
 * reader parses (JSON then text, or two JSON documents). */
static int check_one_stdout(const PsConfig *cfg) {
  const PsOutput *first = NULL;
  for (size_t i = 0; i < cfg->n_outputs; i++) {
    const PsOutput *o = &cfg->outputs[i];
    if (o->path && strcmp(o->path, "-")) continue;
    if (!first) {
      first = o;
      continue;
    }
    char msg[160];
    snprintf(msg, sizeof msg, "--format %s and --format %s would both write to standard output; "
             "give one a file (--format %s=FILE)", format_name(first->format), format_name(o->format),
             format_name(o->format));
    return usage_error("%s", msg);
  }
  return -1;
}

int ps_cli_main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr, 0);
    return 2;
  }
  Cli cli = {0};
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("pyshift %s\n", PS_VERSION);
    return 0;
  }
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage(stdout, 0);
    return 0;
  }
  if (!strcmp(cmd, "check")) cli.cmd = CMD_CHECK;
  else if (!strcmp(cmd, "rules")) cli.cmd = CMD_RULES;
  else if (!strcmp(cmd, "explain")) cli.cmd = CMD_EXPLAIN;
  else if (!strcmp(cmd, "clean")) cli.cmd = CMD_CLEAN;
  else return usage_error("unknown command %s (check, rules, explain, clean)", cmd);

  PsConfig cfg;
  ps_config_init(&cfg);
  usage_quiet = true;
  int rc = apply_args(argc, argv, 2, &cli, &cfg, true);
  usage_quiet = false;
  size_t config_errors = 0;
  if (!cli.isolated) {
    char *path = NULL;
    if (cli.config_path) {
      path = ps_xstrdup(cli.config_path);
    } else {
      /* Nearest to the first path named (or the working directory); an
       * option's value (`--rules DIR`, `--select RM001`) is not a path. */
      const char *start = ".";
      char buf[PATH_MAX];
      if (cli.first_path && strcmp(cli.first_path, "-")) {
        snprintf(buf, sizeof buf, "%s", cli.first_path);
        if (!exists_dir(buf)) {
          char *slash = strrchr(buf, '/');
          if (slash == buf) buf[1] = '\0';
          else if (slash) *slash = '\0';
          else snprintf(buf, sizeof buf, ".");
        }
        start = buf;
      }
      path = ps_config_find_pyproject(start);
    }
    if (path) {
      PsError err;
      ps_error_clear(&err);
      if (ps_config_load_pyproject(&cfg, path, &err) != 0) {
        ps_error_print(&err, stderr);
        config_errors++;
      }
      free(path);
    }
  }
  rc = apply_args(argc, argv, 2, &cli, &cfg, false);
  if (rc >= 0) goto done;
  /* A configuration error stops the run: a report made with settings the
   * user did not ask for (the defaults instead of a mistyped key's) would
   * look like a valid one. */
  if (config_errors) {
    rc = 2;
    goto done;
  }
  if (cfg.n_outputs == 0) ps_config_add_output(&cfg, PS_FORMAT_TEXT, NULL);
  /* -o FILE is where the format given without =FILE goes (as semgrep's -o
   * with --sarif-output=FILE): a named file is always written. */
  if (cli.output_file) {
    size_t unnamed = 0, at = 0;
    for (size_t i = 0; i < cfg.n_outputs; i++)
      if (!cfg.outputs[i].path) unnamed++, at = i;
    if (unnamed != 1) {
      rc = usage_error(unnamed ? "-o %s: more than one --format without =FILE; use --format FMT=FILE for each"
                               : "-o %s: every --format names its own file (FMT=FILE), so -o has none to write",
                       cli.output_file);
      goto done;
    }
    cfg.outputs[at].path = ps_xstrdup(cli.output_file);
  }
  if (cli.cmd == CMD_CHECK && (rc = check_one_stdout(&cfg)) >= 0) goto done;
  if (cli.cmd == CMD_CHECK && (rc = check_outputs_distinct(&cfg)) >= 0) goto done;
  if (cli.cmd == CMD_CHECK && cfg.diff &&
      (cfg.n_outputs != 1 || cfg.outputs[0].format != PS_FORMAT_TEXT || cfg.outputs[0].path)) {
    rc = usage_error("%s", "--diff prints a diff on standard output (and its summary on standard error); "
                           "it cannot be combined with --format or -o");
    goto done;
  }
  if (cli.cmd == CMD_CHECK && cfg.paths.size == 0 && !cfg.stdin_filename) ps_strlist_push(&cfg.paths, ".");
  {
    bool dash = false;
    for (size_t i = 0; i < cfg.paths.size; i++) dash |= !strcmp(cfg.paths.items[i], "-");
    if ((dash || cfg.stdin_filename) && cfg.paths.size > (dash ? 1u : 0u) && !(cfg.paths.size == 1 && !strcmp(cfg.paths.items[0], "."))) {
      const char *other = cfg.paths.items[0];
      for (size_t i = 0; i < cfg.paths.size; i++)
        if (strcmp(cfg.paths.items[i], "-")) other = cfg.paths.items[i];
      rc = usage_error("standard input (`-` or --stdin-filename) cannot be combined with other paths such as %s", other);
      goto done;
    }
    if (dash && !cfg.stdin_filename) cfg.stdin_filename = ps_xstrdup("-");
  }

  if (cli.cmd == CMD_CHECK && cfg.add_noqa && (cfg.fix || cfg.diff)) {
    rc = usage_error("%s", "--add-noqa cannot be combined with --fix or --diff (or `fix = true`: use --no-fix)");
    goto done;
  }
  if (cli.cmd == CMD_CHECK && cfg.since && (cfg.fix || cfg.diff || cfg.add_noqa)) {
    rc = usage_error("%s", "--since filters what is reported; it cannot be combined with --fix, --diff or --add-noqa, "
                           "which change whole files");
    goto done;
  }
  if (cli.cmd == CMD_CHECK && cfg.add_noqa && cfg.baseline) {
    rc = usage_error("%s", "--add-noqa suppresses every finding; it cannot be combined with --baseline");
    goto done;
  }
  if (cli.cmd == CMD_CHECK && cfg.add_noqa && cfg.stdin_filename) {
    rc = usage_error("%s", "--add-noqa rewrites files; it cannot read standard input");
    goto done;
  }
  switch (cli.cmd) {
    case CMD_CHECK:
      rc = ps_run_check(&cfg, argc, argv);
      break;
    case CMD_RULES:
      rc = ps_cli__rules(&cfg, cli.markdown_dir, cli.check_rules);
      break;
    case CMD_CLEAN:
      rc = ps_run_clean_cache(&cfg);
      break;
    default:
      if (!cli.explain_id) {
        rc = usage_error("%s", "explain needs a rule id, e.g. `pyshift explain RM001`");
        break;
      }
      rc = ps_cli__explain(&cfg, cli.explain_id);
      break;
  }
done:
  ps_config_free(&cfg);
  return rc;
}

/* test_config_toml.c: the strict TOML 1.0 reader, one feature or error class
 * per check group. Error checks assert the code, the 1-based position, the
 * message and the caret context. */
#include "config/config.h"

#include <math.h>
#include <stdlib.h>

#include "check.h"

/* Follows a dotted path of bare keys; "#N" indexes an array. */
static const PsTomlValue *at(const PsTomlValue *v, const char *dotted) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", dotted);
  for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save)) {
    if (k[0] == '#') {
      size_t i = (size_t)atoi(k + 1);
      v = v->type == PS_TOML_ARRAY && i < v->u.array.size ? v->u.array.items[i] : NULL;
    } else {
      v = ps_toml_get(v, k);
    }
  }
  return v;
}

static PsTomlValue *parse_ok_at(const char *text, size_t len, int line) {
  PsTomlValue *doc = NULL;
  PsError err;
  ps_error_clear(&err);
  int rc = ps_toml_parse(&doc, text, len, "t.toml", &err);
  CHECK(rc == 0 && doc, "line %d: unexpected error %d:%d: %s", line, err.line, err.col, err.msg);
  return doc;
}
#define parse_ok(text) parse_ok_at((text), strlen(text), __LINE__)

static void parse_err_at(const char *text, size_t len, int want_line, int want_col, const char *want_msg,
                         int line) {
  PsTomlValue *doc = NULL;
  PsError err;
  ps_error_clear(&err);
  int rc = ps_toml_parse(&doc, text, len, "t.toml", &err);
  CHECK(rc == PS_E_CONFIG && err.code == PS_E_CONFIG && doc == NULL, "line %d: want an error for %s", line, text);
  CHECK(err.line == want_line && err.col == want_col, "line %d: at %d:%d, want %d:%d (%s)", line, err.line,
        err.col, want_line, want_col, err.msg);
  CHECK(strstr(err.msg, want_msg) != NULL, "line %d: message \"%s\", want \"%s\"", line, err.msg, want_msg);
  CHECK(strcmp(err.path, "t.toml") == 0, "line %d: path", line);
  CHECK(err.span >= 1, "line %d: context set", line);
  ps_toml_free(doc);
}
#define parse_err(text, l, c, msg) parse_err_at((text), strlen(text), (l), (c), (msg), __LINE__)

static const char *str(const PsTomlValue *v) {
  return v && (v->type == PS_TOML_STRING || v->type == PS_TOML_DATETIME) ? v->u.str.s : "(not a string)";
}

static long long integer(const PsTomlValue *v) { return v && v->type == PS_TOML_INTEGER ? v->u.i : -12345; }

static void test_tables(void) {
  PsTomlValue *doc = parse_ok("top = 1\n"
                              "[a.b.\"c d\"]\n"
                              "x = 1\n"
                              "[ a . 'e' ]  # spaces around dots\n"
                              "y = 2\n"
                              "[a]\n" /* implicit a may be defined once */
                              "z = 3\n"
                              "[\"\"]\n"
                              "empty = true\n");
  CHECK_INT(integer(at(doc, "top")), 1);
  const PsTomlValue *b = at(doc, "a.b");
  CHECK_INT(integer(ps_toml_get(ps_toml_get(b, "c d"), "x")), 1);
  CHECK_INT(integer(at(doc, "a.e.y")), 2);
  CHECK_INT(integer(at(doc, "a.z")), 3);
  CHECK(ps_toml_get(ps_toml_get(doc, ""), "empty") != NULL, "empty quoted table name");
  CHECK(ps_toml_get(doc, "missing") == NULL, "absent key");
  CHECK(ps_toml_get(at(doc, "top"), "x") == NULL, "get on a non-table");
  CHECK(ps_toml_get(NULL, "x") == NULL, "get on NULL");
  CHECK_INT(doc->u.table.size, 3);
  CHECK_STR(doc->u.table.keys[0], "top");
  ps_toml_free(doc);
  ps_toml_free(NULL);
}

static void test_array_of_tables(void) {
  PsTomlValue *doc = parse_ok("[[fruit]]\n"
                              "name = 'apple'\n"
                              "[fruit.physical]\n"
                              "color = 'red'\n"
                              "[[fruit.variety]]\n"
                              "name = 'red delicious'\n"
                              "[[fruit.variety]]\n"
                              "name = 'granny smith'\n"
                              "[[fruit]]\n"
                              "name = 'banana'\n"
                              "[[fruit.variety]]\n"
                              "name = 'plantain'\n");
  const PsTomlValue *fruit = at(doc, "fruit");
  CHECK(fruit && fruit->type == PS_TOML_ARRAY && fruit->u.array.size == 2, "two fruits");
  CHECK_STR(str(at(doc, "fruit.#0.name")), "apple");
  CHECK_STR(str(at(doc, "fruit.#0.physical.color")), "red");
  CHECK_STR(str(at(doc, "fruit.#0.variety.#1.name")), "granny smith");
  CHECK_STR(str(at(doc, "fruit.#1.variety.#0.name")), "plantain");
  ps_toml_free(doc);
}

static void test_dotted_keys(void) {
  PsTomlValue *doc = parse_ok("name.first = 'a'\n"
                              "name . last = 'b'\n"
                              "site.\"google.com\" = true\n"
                              "3.14159 = 'pi'\n"
                              "[fruit]\n"
                              "apple.color = 'red'\n"
                              "apple.taste.sweet = true\n"
                              "[fruit.apple.texture]\n" /* sub-tables of dotted tables are fine */
                              "smooth = true\n");
  CHECK_STR(str(at(doc, "name.first")), "a");
  CHECK_STR(str(at(doc, "name.last")), "b");
  CHECK(at(doc, "site") && ps_toml_get(at(doc, "site"), "google.com") != NULL, "quoted dotted part");
  CHECK_STR(str(at(doc, "3.14159")), "pi");
  CHECK(at(doc, "fruit.apple.taste.sweet") && at(doc, "fruit.apple.taste.sweet")->u.b, "dotted bool");
  CHECK(at(doc, "fruit.apple.texture.smooth") != NULL, "header below dotted table");
  ps_toml_free(doc);
}

static void test_keys(void) {
  PsTomlValue *doc = parse_ok("bare_key-1 = 1\n"
                              "1234 = 2\n"
                              "\"quoted \\u00e9\" = 3\n"
                              "'literal \\n' = 4\n"
                              "\"\" = 5\n"
                              "\"nul\\u0000key\" = 6\n");
  CHECK_INT(integer(ps_toml_get(doc, "bare_key-1")), 1);
  CHECK_INT(integer(ps_toml_get(doc, "1234")), 2);
  CHECK_INT(integer(ps_toml_get(doc, "quoted \xc3\xa9")), 3);
  CHECK_INT(integer(ps_toml_get(doc, "literal \\n")), 4);
  CHECK_INT(integer(ps_toml_get(doc, "")), 5);
  CHECK_INT(ps_toml_key_len(doc, 5), 7);
  CHECK_INT(memcmp(doc->u.table.keys[5], "nul\0key", 8), 0);
  ps_toml_free(doc);
}

static void test_inline_tables(void) {
  PsTomlValue *doc = parse_ok("name = { first = \"Tom\", last = \"Preston-Werner\" }\n"
                              "point = {x=1,y=2}\n"
                              "empty = {}\n"
                              "nested = { a = { b = { c = [1, {d = 2}] } }, e.f = 3, e.g = 4 }\n"
                              "multi = { list = [\n  1,\n  2,\n] }\n");
  CHECK_STR(str(at(doc, "name.last")), "Preston-Werner");
  CHECK_INT(integer(at(doc, "point.y")), 2);
  CHECK(at(doc, "empty") && at(doc, "empty")->type == PS_TOML_TABLE && at(doc, "empty")->u.table.size == 0,
        "empty inline table");
  CHECK_INT(integer(at(doc, "nested.a.b.c.#1.d")), 2);
  CHECK_INT(integer(at(doc, "nested.e.g")), 4);
  CHECK_INT(integer(at(doc, "multi.list.#1")), 2);
  ps_toml_free(doc);
}

static void test_arrays(void) {
  PsTomlValue *doc = parse_ok("ints = [ 1, 2, 3 ]\n"
                              "empty = []\n"
                              "nested = [ [ 1, 2 ], [\"a\", 'b'], [] ]\n"
                              "mixed = [ 0.1, \"x\", true, 1979-05-27, { k = 1 } ]\n"
                              "multi = [  # comment after the bracket\n"
                              "  \"one\",  # a comment\n"
                              "\n"
                              "  # a comment line\n"
                              "  \"two\",\n"
                              "]\n"
                              "crlf = [\r\n  1,\r\n  2\r\n]\r\n");
  const PsTomlValue *ints = at(doc, "ints");
  CHECK(ints && ints->type == PS_TOML_ARRAY && ints->u.array.size == 3, "three ints");
  CHECK_INT(at(doc, "empty")->u.array.size, 0);
  CHECK_STR(str(at(doc, "nested.#1.#1")), "b");
  CHECK_INT(at(doc, "nested.#2")->u.array.size, 0);
  CHECK(at(doc, "mixed.#2") && at(doc, "mixed.#2")->type == PS_TOML_BOOL, "mixed types");
  CHECK(at(doc, "mixed.#3") && at(doc, "mixed.#3")->type == PS_TOML_DATETIME, "date in array");
  CHECK_INT(at(doc, "multi")->u.array.size, 2);
  CHECK_STR(str(at(doc, "multi.#1")), "two");
  CHECK_INT(integer(at(doc, "crlf.#1")), 2);
  ps_toml_free(doc);
}

static void test_strings(void) {
  PsTomlValue *doc = parse_ok("esc = \"\\b\\t\\n\\f\\r\\\"\\\\ \\u00E9 \\U0001F600 \\u0000!\"\n"
                              "lit = 'C:\\Users\\nodejs\\templates'\n"
                              "lit_quote = '<\\i\\c*\\s*>'\n"
                              "tab = \"a\tb\"\n"
                              "ml = \"\"\"\n"
                              "Roses are red\n"
                              "Violets are blue\"\"\"\n"
                              "fold = \"\"\"\\\n"
                              "    The quick brown \\\n"
                              "\n"
                              "    fox.\\   \n"
                              "    \"\"\"\n"
                              "quotes = \"\"\"\"two\" \"\"quotes\"\"\"\"\"\n"
                              "mll = '''\n"
                              "first newline is trimmed\n"
                              "  raw \\n text\n"
                              "'''\n"
                              "mll_quotes = ''''That,' she said'''\n"
                              "crlf = \"\"\"a\r\nb\"\"\"\n"
                              "utf8 = \"\xe2\x98\x83\"\n");
  const PsTomlValue *esc = at(doc, "esc");
  CHECK(esc && esc->u.str.len == 18, "escaped length %zu", esc ? esc->u.str.len : 0);
  CHECK(esc && memcmp(esc->u.str.s, "\b\t\n\f\r\"\\ \xc3\xa9 \xf0\x9f\x98\x80 \0!", 18) == 0, "escapes");
  CHECK_STR(str(at(doc, "lit")), "C:\\Users\\nodejs\\templates");
  CHECK_STR(str(at(doc, "lit_quote")), "<\\i\\c*\\s*>");
  CHECK_STR(str(at(doc, "tab")), "a\tb");
  CHECK_STR(str(at(doc, "ml")), "Roses are red\nViolets are blue");
  CHECK_STR(str(at(doc, "fold")), "The quick brown fox.");
  CHECK_STR(str(at(doc, "quotes")), "\"two\" \"\"quotes\"\"");
  CHECK_STR(str(at(doc, "mll")), "first newline is trimmed\n  raw \\n text\n");
  CHECK_STR(str(at(doc, "mll_quotes")), "'That,' she said");
  CHECK_STR(str(at(doc, "crlf")), "a\nb");
  CHECK_STR(str(at(doc, "utf8")), "\xe2\x98\x83");
  ps_toml_free(doc);
  /* Empty strings are NUL-terminated too (found by fuzzing). */
  doc = parse_ok("a = \"\"\nb = ''\nc = \"\"\"\"\"\"\nd = ''''''\n");
  CHECK(strlen(str(at(doc, "a"))) == 0 && at(doc, "a")->u.str.len == 0, "empty basic");
  CHECK(strlen(str(at(doc, "b"))) == 0 && strlen(str(at(doc, "c"))) == 0 && strlen(str(at(doc, "d"))) == 0,
        "empty literal and multi-line");
  ps_toml_free(doc);
}

static void test_numbers(void) {
  PsTomlValue *doc = parse_ok("a = +99\nb = -17\nc = 0\nd = 1_000\ne = 0xDEAD_beef\nf = 0o755\ng = 0b1101\n"
                              "max = 9223372036854775807\nmin = -9223372036854775808\nz = -0\n"
                              "f1 = 3.1415\nf2 = -0.01\nf3 = 5e+22\nf4 = 1e06\nf5 = -2E-2\nf6 = 6.626e-34\n"
                              "f7 = 224_617.445_991\nf8 = 0.0\nf9 = 1e1_0\n"
                              "i1 = inf\ni2 = +inf\ni3 = -inf\nn1 = nan\nn2 = -nan\n"
                              "t = true\nfa = false\n");
  CHECK_INT(integer(at(doc, "a")), 99);
  CHECK_INT(integer(at(doc, "b")), -17);
  CHECK_INT(integer(at(doc, "c")), 0);
  CHECK_INT(integer(at(doc, "d")), 1000);
  CHECK_INT(integer(at(doc, "e")), 0xDEADBEEF);
  CHECK_INT(integer(at(doc, "f")), 0755);
  CHECK_INT(integer(at(doc, "g")), 13);
  CHECK(integer(at(doc, "max")) == 9223372036854775807LL, "int64 max");
  CHECK(at(doc, "min")->u.i == -9223372036854775807LL - 1, "int64 min");
  CHECK_INT(integer(at(doc, "z")), 0);
  CHECK(at(doc, "f1")->type == PS_TOML_FLOAT && at(doc, "f1")->u.f == 3.1415, "float");
  CHECK(at(doc, "f2")->u.f == -0.01, "negative float");
  CHECK(at(doc, "f3")->u.f == 5e22, "exponent");
  CHECK(at(doc, "f4")->u.f == 1e6, "exponent with leading zero");
  CHECK(at(doc, "f5")->u.f == -2e-2, "capital E");
  CHECK(at(doc, "f6")->u.f == 6.626e-34, "fraction and exponent");
  CHECK(at(doc, "f7")->u.f == 224617.445991, "underscores in float");
  CHECK(at(doc, "f9")->u.f == 1e10, "underscore in exponent");
  CHECK(isinf(at(doc, "i1")->u.f) && at(doc, "i1")->u.f > 0, "inf");
  CHECK(isinf(at(doc, "i2")->u.f) && at(doc, "i2")->u.f > 0, "+inf");
  CHECK(isinf(at(doc, "i3")->u.f) && at(doc, "i3")->u.f < 0, "-inf");
  CHECK(isnan(at(doc, "n1")->u.f) && isnan(at(doc, "n2")->u.f), "nan");
  CHECK(at(doc, "t")->type == PS_TOML_BOOL && at(doc, "t")->u.b && !at(doc, "fa")->u.b, "booleans");
  ps_toml_free(doc);
}

static void test_datetimes(void) {
  PsTomlValue *doc = parse_ok("odt1 = 1979-05-27T07:32:00Z\n"
                              "odt2 = 1979-05-27T00:32:00-07:00\n"
                              "odt3 = 1979-05-27T00:32:00.999999+07:00\n"
                              "odt4 = 1979-05-27 07:32:00z\n"
                              "ldt = 1979-05-27t07:32:00\n"
                              "ld = 2000-02-29\n"
                              "lt = 00:32:00.999999\n"
                              "leap = 1990-12-31T23:59:60Z\n");
  CHECK_STR(str(at(doc, "odt1")), "1979-05-27T07:32:00Z");
  CHECK(at(doc, "odt1")->type == PS_TOML_DATETIME, "datetime type");
  CHECK_STR(str(at(doc, "odt2")), "1979-05-27T00:32:00-07:00");
  CHECK_STR(str(at(doc, "odt3")), "1979-05-27T00:32:00.999999+07:00");
  CHECK_STR(str(at(doc, "odt4")), "1979-05-27 07:32:00z");
  CHECK_STR(str(at(doc, "ldt")), "1979-05-27t07:32:00");
  CHECK_STR(str(at(doc, "ld")), "2000-02-29");
  CHECK_STR(str(at(doc, "lt")), "00:32:00.999999");
  CHECK_INT(at(doc, "lt")->u.str.len, 15);
  ps_toml_free(doc);
}

static void test_comments_crlf_bom(void) {
  PsTomlValue *doc = parse_ok("\xEF\xBB\xBF# a comment with \xc3\xa9 and a tab\t\r\n"
                              "key = \"value\" # trailing\r\n"
                              "\r\n"
                              "[t] # header comment\r\n"
                              "  k = 1   \r\n"
                              "#");
  CHECK_STR(str(at(doc, "key")), "value");
  CHECK_INT(integer(at(doc, "t.k")), 1);
  ps_toml_free(doc);
  doc = parse_ok("");
  CHECK(doc && doc->type == PS_TOML_TABLE && doc->u.table.size == 0, "empty document");
  ps_toml_free(doc);
}

static void test_positions(void) {
  PsTomlValue *doc = parse_ok("# c\n"
                              "[tool.x]\n"
                              "  alpha = [1,\n"
                              "    'two']\n"
                              "beta.gamma = true\n");
  const PsTomlValue *x = at(doc, "tool.x");
  CHECK_INT(x->u.table.key_lines[0], 3);
  CHECK_INT(x->u.table.key_cols[0], 3);
  const PsTomlValue *alpha = ps_toml_get(x, "alpha");
  CHECK_INT(alpha->line, 3);
  CHECK_INT(alpha->col, 11);
  CHECK_INT(alpha->u.array.items[1]->line, 4);
  CHECK_INT(alpha->u.array.items[1]->col, 5);
  const PsTomlValue *beta = ps_toml_get(x, "beta");
  CHECK_INT(beta->u.table.key_lines[0], 5);
  CHECK_INT(beta->u.table.key_cols[0], 6);
  CHECK_INT(ps_toml_get(beta, "gamma")->col, 14);
  ps_toml_free(doc);
}

static void test_big_table(void) {
  /* Enough keys to use the hash index, and a duplicate far in. */
  PsBuf b = PS_BUF_INIT;
  for (int i = 0; i < 500; i++) ps_buf_printf(&b, "k%d = %d\n", i, i);
  PsTomlValue *doc = parse_ok(b.data);
  CHECK_INT(integer(ps_toml_get(doc, "k0")), 0);
  CHECK_INT(integer(ps_toml_get(doc, "k377")), 377);
  CHECK(ps_toml_get(doc, "k500") == NULL, "absent in big table");
  ps_toml_free(doc);
  ps_buf_puts(&b, "k250 = 1\n");
  parse_err(b.data, 501, 1, "duplicate key `k250`");
  ps_buf_free(&b);
}

static void test_depth(void) {
  PsBuf b = PS_BUF_INIT;
  ps_buf_puts(&b, "a = ");
  for (int i = 0; i < 100; i++) ps_buf_putc(&b, '[');
  for (int i = 0; i < 100; i++) ps_buf_putc(&b, ']');
  PsTomlValue *doc = parse_ok(b.data);
  ps_toml_free(doc);

  ps_buf_reset(&b);
  ps_buf_puts(&b, "a = ");
  for (int i = 0; i < 100000; i++) ps_buf_puts(&b, "[{x=");
  parse_err(b.data, 1, 5 + 4 * 63 + 4, "nesting too deep");

  ps_buf_reset(&b);
  for (int i = 0; i < 200; i++) ps_buf_puts(&b, i ? ".k" : "k");
  ps_buf_puts(&b, " = 1\n");
  parse_err(b.data, 1, 257, "nesting too deep");

  ps_buf_reset(&b);
  ps_buf_putc(&b, '[');
  for (int i = 0; i < 200; i++) ps_buf_puts(&b, i ? ".k" : "k");
  ps_buf_puts(&b, "]\n");
  parse_err(b.data, 1, 258, "nesting too deep");
  ps_buf_free(&b);
}

static void test_redefinition_errors(void) {
  parse_err("a = 1\na = 2\n", 2, 1, "duplicate key `a`");
  parse_err("a = 1\n\"a\" = 2\n", 2, 1, "duplicate key `a`");
  parse_err("[a]\nb = 1\n[a]\n", 3, 2, "table `a` defined more than once");
  parse_err("[a.b]\n[a]\n[a]\n", 3, 2, "table `a` defined more than once");
  parse_err("[a]\nb.c = 1\n[a.b]\n", 3, 4, "table `b` defined more than once");
  parse_err("[a.b.c]\n[a]\nb.c.d = 1\n", 3, 3, "cannot add keys to table `c`");
  parse_err("a = 1\n[a]\n", 2, 2, "`a` is already defined as an integer, not a table");
  parse_err("a = 1\na.b = 2\n", 2, 1, "`a` is already defined as an integer, not a table");
  parse_err("a = {}\n[a]\n", 2, 2, "cannot extend inline table `a`");
  parse_err("a = {b = 1}\n[a.c]\n", 2, 2, "cannot extend inline table `a`");
  parse_err("a = {b = 1}\na.c = 2\n", 2, 1, "cannot add keys to table `a`");
  parse_err("a = {b = {c = 1}, b.d = 2}\n", 1, 19, "cannot add keys to table `b`");
  parse_err("a = []\n[[a]]\n", 2, 3, "cannot append to static array `a`");
  parse_err("a = [{b = 1}]\n[a.c]\n", 2, 2, "cannot extend static array `a`");
  parse_err("[[a]]\n[a]\n", 2, 2, "`a` is already defined as an array of tables");
  parse_err("[a]\n[[a]]\n", 2, 3, "`a` is already defined and is not an array of tables");
  parse_err("[[t.arr]]\n[t]\narr.v = 1\n", 3, 1, "`arr` is already defined as an array of tables");
}

static void test_string_errors(void) {
  parse_err("s = \"a\\qb\"\n", 1, 7, "invalid escape sequence `\\q`");
  parse_err("s = \"\\x41\"\n", 1, 6, "invalid escape sequence `\\x`");
  parse_err("s = \"\\e\"\n", 1, 6, "invalid escape sequence `\\e`");
  parse_err("s = \"\\u12\"\n", 1, 6, "invalid unicode escape: expected 4 hex digits");
  parse_err("s = \"\\uD800\"\n", 1, 6, "U+D800 is not a unicode scalar value");
  parse_err("s = \"\\U00110000\"\n", 1, 6, "U+110000 is not a unicode scalar value");
  parse_err("s = 'a\\", 1, 5, "unterminated string");
  parse_err("s = \"abc\nd\"\n", 1, 5, "unterminated string");
  parse_err("s = \"\"\"abc\n\n", 1, 5, "unterminated multi-line string");
  parse_err("s = '''abc\n", 1, 5, "unterminated multi-line string");
  parse_err("s = \"\"\"a\"\"\"\"\"\"\n", 1, 9, "too many quotes");
  parse_err("s = \"\"\"a\\ b\"\"\"\n", 1, 9, "invalid escape sequence");
  parse_err("\"\"\"k\"\"\" = 1\n", 1, 1, "a multi-line string cannot be a key");
  parse_err("s = \"\xc3\x28\"\n", 1, 6, "invalid utf-8 byte 0xc3");
  parse_err("s = \"\xed\xa0\x80\"\n", 1, 6, "invalid utf-8");
  parse_err("s = \"a\x01\"\n", 1, 7, "control character 0x01 is not allowed");
  parse_err("s = 'a\x7f'\n", 1, 7, "control character 0x7f is not allowed");
  parse_err("s = 1 # bell \x07\n", 1, 14, "control character 0x07 is not allowed");
  parse_err("s = \"\"\"a\rb\"\"\"\n", 1, 9, "carriage return not followed by a newline");
  parse_err_at("s = \"a\0b\"\n", 10, 1, 7, "control character 0x00 is not allowed", __LINE__);
}

static void test_number_errors(void) {
  parse_err("n = 01\n", 1, 5, "leading zeros are not allowed");
  parse_err("n = -012.5\n", 1, 5, "leading zeros are not allowed");
  parse_err("n = 1__0\n", 1, 5, "invalid number");
  parse_err("n = _1\n", 1, 5, "invalid number");
  parse_err("n = 1_\n", 1, 5, "invalid number");
  parse_err("n = +0x10\n", 1, 5, "a sign is not allowed");
  parse_err("n = 0X10\n", 1, 5, "invalid number");
  parse_err("n = 0o8\n", 1, 5, "invalid number");
  parse_err("n = 0b\n", 1, 5, "invalid number");
  parse_err("n = 9223372036854775808\n", 1, 5, "integer out of range");
  parse_err("n = -9223372036854775809\n", 1, 5, "integer out of range");
  parse_err("n = 0x8000000000000000\n", 1, 5, "integer out of range");
  parse_err("n = 1.\n", 1, 5, "expected digits after `.`");
  parse_err("n = .5\n", 1, 5, "invalid number");
  parse_err("n = 1e\n", 1, 5, "bad exponent");
  parse_err("n = 1.2.3\n", 1, 5, "invalid number");
  parse_err("n = Inf\n", 1, 5, "invalid value");
  parse_err("n = 1 2\n", 1, 7, "expected a newline after a key/value pair");
  parse_err("d = 2021-02-29\n", 1, 5, "invalid date or time");
  parse_err("d = 2021-13-01\n", 1, 5, "invalid date or time");
  parse_err("d = 1979-05-27T24:00:00\n", 1, 5, "invalid date or time");
  parse_err("d = 07:32\n", 1, 5, "invalid date or time");
  parse_err("d = 1979-05-27T07:32:00+7:00\n", 1, 5, "invalid date or time");
  parse_err("d = 1979-05-27T07:32:00.\n", 1, 5, "invalid date or time");
}

static void test_syntax_errors(void) {
  parse_err("a = 1 b = 2\n", 1, 7, "expected a newline after a key/value pair");
  parse_err("[a] b = 1\n", 1, 5, "expected a newline after a table header");
  parse_err("a\n", 1, 2, "expected `=` after a key");
  parse_err("a =\n", 1, 4, "expected a value");
  parse_err("a = # no value\n", 1, 5, "expected a value");
  parse_err("= 1\n", 1, 1, "missing key before `=`");
  parse_err("a = hello\n", 1, 5, "invalid value (strings must be quoted)");
  parse_err("a = truee\n", 1, 5, "invalid value");
  parse_err("a.= 1\n", 1, 3, "missing key before `=`");
  parse_err("a = [1 2]\n", 1, 8, "expected `,` or `]` in array");
  parse_err("a = [1,,2]\n", 1, 8, "expected a value");
  parse_err("a = [1,\n", 1, 5, "unterminated array");
  parse_err("a = {x = 1,}\n", 1, 12, "trailing comma is not allowed in an inline table");
  parse_err("a = {x = 1\n}\n", 1, 11, "newline is not allowed in an inline table");
  parse_err("a = {\nx = 1}\n", 1, 6, "newline is not allowed in an inline table");
  parse_err("a = {x = 1", 1, 5, "unterminated inline table");
  parse_err("a = {x = 1 y = 2}\n", 1, 12, "expected `,` or `}` in inline table");
  parse_err("[a\n", 1, 3, "expected `]` after the table name");
  parse_err("[[a]\n", 1, 4, "expected `]]` after the table name");
  parse_err("[[a] ]\n", 1, 4, "expected `]]` after the table name");
  parse_err("[]\n", 1, 2, "invalid character in key");
  parse_err("[a.]\n", 1, 4, "invalid character in key");
  parse_err("k\xc3\xa9y = 1\n", 1, 2, "expected `=` after a key");
}

static void test_error_context(void) {
  PsTomlValue *doc = NULL;
  PsError err;
  int rc = ps_toml_parse(&doc, "ok = 1\r\nbad = \"x\\qy\"\r\nmore = 2\r\n", 30, "p.toml", &err);
  CHECK_INT(rc, PS_E_CONFIG);
  CHECK_INT(err.line, 2);
  CHECK_INT(err.col, 9);
  CHECK_STR(err.context, "bad = \"x\\qy\"");
  CHECK_INT(err.span, 2);
  char buf[2048];
  ps_error_format(&err, buf, sizeof buf);
  CHECK_STR(buf, "p.toml:2:9: invalid escape sequence `\\q`");

  /* Leading zeros: the caret spans the whole number. */
  rc = ps_toml_parse(&doc, "x = 007 # c\n", 12, "p.toml", &err);
  CHECK_STR(err.context, "x = 007 # c");
  CHECK_INT(err.span, 3);

  /* No error sink: still fails cleanly. */
  rc = ps_toml_parse(&doc, "x = \n", 5, "p.toml", NULL);
  CHECK(rc == PS_E_CONFIG && doc == NULL, "NULL err");
}

/* Every prefix of a valid document must parse or fail cleanly, never read
 * past its length (ASan checks, as the buffer is copied exactly). */
static void test_truncations(void) {
  const char *text = "a = \"\\u00e9\"\n[[b.c]]\nd = { e = [1, 2.5e3, '''x''', 1979-05-27T07:32:00Z] }\n"
                     "f = \"\"\"\\\n  g\"\"\"\n";
  size_t n = strlen(text);
  int ok = 0;
  for (size_t i = 0; i <= n; i++) {
    char *copy = ps_xmalloc(i ? i : 1);
    memcpy(copy, text, i);
    PsTomlValue *doc = NULL;
    PsError err;
    if (ps_toml_parse(&doc, copy, i, "t.toml", &err) == 0) ok++;
    else CHECK(err.line >= 1 && err.col >= 1 && err.msg[0], "prefix %zu has a located error", i);
    ps_toml_free(doc);
    free(copy);
  }
  CHECK(ok >= 4, "some prefixes parse (%d)", ok);
}

int main(void) {
  test_tables();
  test_array_of_tables();
  test_dotted_keys();
  test_keys();
  test_inline_tables();
  test_arrays();
  test_strings();
  test_numbers();
  test_datetimes();
  test_comments_crlf_bom();
  test_positions();
  test_big_table();
  test_depth();
  test_redefinition_errors();
  test_string_errors();
  test_number_errors();
  test_syntax_errors();
  test_error_context();
  test_truncations();
  return CHECK_DONE();
}

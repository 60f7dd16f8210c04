#!/usr/bin/env node
// ruff.mjs: run ruff's linter (the WebAssembly build, @astral-sh/ruff-wasm-nodejs)
// on Python files or a snippet, one Node process for any number of files.
//
//   node bench/ruff/ruff.mjs --target py39 --select UP006,UP007 [--json] FILE...
//   echo 'x: List[int]' | node bench/ruff/ruff.mjs --select UP006 -
//   node bench/ruff/ruff.mjs --files-from list.txt --json      (one path a line; '-' = stdin)
//
// Options:
//   --target pyXY      ruff's target-version (default py39)
//   --select CODES     comma-separated rule codes or prefixes (default UP)
//   --ignore CODES     comma-separated codes to leave out
//   --preview          enable ruff's preview mode (preview rules and behaviours)
//   --json             one JSON object a line instead of text
//   --files-from F     read the paths to check from F (one a line; '-' = stdin)
//   --stdin-filename N name to report for '-' (default '-')
//   --settings JSON    extra settings merged over the top level (pyproject-style keys)
//   --stubs-as-future  check *.pyi files as ruff checks stubs, as far as the
//                      wasm API (which has no path) allows: ruff gives stubs
//                      the semantics of `from __future__ import annotations`,
//                      so that import is put on a line before the file's first
//                      (rows are shifted back) unless the file has it, and a
//                      `TypeAlias` fix (UP040) is safe there
//   --version          print the ruff version and exit
//
// Text lines:  path:row:col: CODE message [safe|unsafe fix: "content"@row:col-row:col; ...]
// JSON lines:  {"path","code","row","col","end_row","end_col","message",
//               "fix":null|{"message","applicability","edits":[{"content","row","col","end_row","end_col"}]}}
// Rows and columns are 1-based, columns count characters (Unicode code
// points: PositionEncoding.Utf32), ends are exclusive, as in pyshift's JSON.
// The wasm API does not say whether a fix is safe or unsafe: "applicability"
// is inferred for the typing rules (see inferApplicability), else null.
// Syntax errors are reported with code "invalid-syntax" (ruff then reports no
// lint findings for that file). A file that cannot be read gives code "io-error".
// Exit status: 0 always unless the arguments or the settings are wrong (2).

import { readFileSync, writeSync } from "node:fs";
import { Workspace, PositionEncoding } from "@astral-sh/ruff-wasm-nodejs";

function usage(msg) {
  if (msg) process.stderr.write(`ruff.mjs: ${msg}\n`);
  process.stderr.write(
    "usage: node ruff.mjs [--target pyXY] [--select CODES] [--ignore CODES] [--preview] [--json]\n" +
    "                     [--files-from FILE] [--stdin-filename NAME] [--settings JSON] FILE... | -\n");
  process.exit(2);
}

const args = process.argv.slice(2);
let target = "py39", select = ["UP"], ignore = [], preview = false, json = false;
let filesFrom = null, stdinName = "-", extra = {}, stubsAsFuture = false;
const paths = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => { if (i + 1 >= args.length) usage(`${a} needs a value`); return args[++i]; };
  if (a === "--target" || a === "--target-version") target = val();
  else if (a === "--select") select = val().split(",").filter(Boolean);
  else if (a === "--ignore") ignore = val().split(",").filter(Boolean);
  else if (a === "--preview") preview = true;
  else if (a === "--stubs-as-future") stubsAsFuture = true;
  else if (a === "--json") json = true;
  else if (a === "--files-from") filesFrom = val();
  else if (a === "--stdin-filename") stdinName = val();
  else if (a === "--settings") { try { extra = JSON.parse(val()); } catch (e) { usage(`--settings: ${e.message}`); } }
  else if (a === "--version") { process.stdout.write(Workspace.version() + "\n"); process.exit(0); }
  else if (a === "-h" || a === "--help") usage();
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else paths.push(a);
}
if (!/^py3\d+$/.test(target)) usage(`--target: expected py3X, got ${target}`);
const targetMinor = Number(target.slice(3));
if (filesFrom !== null) {
  const text = readFileSync(filesFrom === "-" ? 0 : filesFrom, "utf8");
  for (const line of text.split("\n")) if (line.trim()) paths.push(line.replace(/\r$/, ""));
}
if (paths.length === 0) usage("no files (use - for standard input)");

const settings = {
  "target-version": target,
  preview,
  // in preview mode ruff 0.17 reports rule names (non-pep585-annotation)
  // unless told to keep the codes
  "output-prefer-rule-codes": true,
  lint: { select, ignore, preview },
  ...extra,
};
let ws;
try {
  ws = new Workspace(settings, PositionEncoding.Utf32);
} catch (e) {
  usage(`bad settings ${JSON.stringify(settings)}: ${e && e.message ? e.message : e}`);
}

const out = [];
let outLen = 0;
function emit(s) {
  out.push(s);
  outLen += s.length;
  if (outLen > 1 << 20) flush();
}
function flush() {
  if (out.length) {
    // writeSync on fd 1 keeps ordering and does not buffer unboundedly
    const s = out.join("");
    out.length = 0;
    outLen = 0;
    writeAll(s);
  }
}
function writeAll(s) {
  const buf = Buffer.from(s, "utf8");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === "EAGAIN") continue;
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    }
  }
}

function fmtFixText(fix) {
  return fix.edits
    .map((e) => `${JSON.stringify(e.content ?? "")}@${e.row}:${e.col}-${e.end_row}:${e.end_col}`)
    .join("; ");
}

for (const p of paths) {
  let src;
  const shown = p === "-" ? stdinName : p;
  try {
    src = readFileSync(p === "-" ? 0 : p, "utf8");
  } catch (e) {
    report(shown, { code: "io-error", row: 1, col: 1, end_row: 1, end_col: 1, message: String(e.message), fix: null });
    continue;
  }
  // ruff reads files with a BOM as if it were not there; keep positions the same.
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  // A stub: the future import on a line of its own before the first (a
  // docstring then stops being one, which no UP rule minds).
  let shift = 0, checked = src;
  if (stubsAsFuture && p.endsWith(".pyi") && !/^from\s+__future__\s+import\s+[^\n]*\bannotations\b/m.test(src)) {
    checked = "from __future__ import annotations\n" + src;
    shift = 1;
  }
  const isStub = stubsAsFuture && p.endsWith(".pyi");
  let diags;
  try {
    diags = ws.check(checked);
  } catch (e) {
    report(shown, { code: "ruff-error", row: 1, col: 1, end_row: 1, end_col: 1, message: String(e && e.message ? e.message : e), fix: null });
    continue;
  }
  for (const d of diags) {
    if (shift) {
      if (d.start_location.row <= shift) continue; // on the added line
      d.start_location.row -= shift;
      d.end_location.row -= shift;
      if (d.fix) for (const e of d.fix.edits) { e.location.row -= shift; e.end_location.row -= shift; }
    }
    const f = {
      code: d.code ?? "unknown",
      row: d.start_location.row,
      col: d.start_location.column,
      end_row: d.end_location.row,
      end_col: d.end_location.column,
      message: d.message,
      fix: d.fix
        ? {
            message: d.fix.message,
            applicability: isStub && d.code === "UP040" && d.message.includes("`TypeAlias` annotation")
              ? "safe" : inferApplicability(d, src),
            edits: d.fix.edits.map((e) => ({
              content: e.content ?? "",
              row: e.location.row,
              col: e.location.column,
              end_row: e.end_location.row,
              end_col: e.end_location.column,
            })),
          }
        : null,
    };
    report(shown, f);
  }
}
flush();

// The wasm API leaves out a fix's applicability. For the typing rules it is
// worked out here the way ruff's source decides it (crates/ruff_linter/src/
// rules/pyupgrade, checked against a post-0.16.4 checkout; see THRESHOLDS.md),
// with the settings this script uses (no lint.future-annotations, so no fix
// adds a __future__ import). "Comments in the range" is approximated by a '#'
// in the replaced text that the replacement lacks. Other rules: null.
function inferApplicability(d, src) {
  const fixText = d.fix.edits.map((e) => e.content ?? "").join("");
  const rangeHasLostComment = () => {
    const lines = src.split("\n");
    const { row: r0, column: c0 } = d.start_location;
    const { row: r1, column: c1 } = d.end_location;
    let text;
    if (r0 === r1) text = [...(lines[r0 - 1] ?? "")].slice(c0 - 1, c1 - 1).join("");
    else text = [[...(lines[r0 - 1] ?? "")].slice(c0 - 1).join(""), ...lines.slice(r0, r1 - 1),
                 [...(lines[r1 - 1] ?? "")].slice(0, c1 - 1).join("")].join("\n");
    return text.includes("#") && !fixText.includes("#");
  };
  switch (d.code) {
    case "UP006": return targetMinor >= 10 ? "safe" : "unsafe";
    case "UP007":
    case "UP045": return targetMinor >= 10 && !rangeHasLostComment() ? "safe" : "unsafe";
    case "UP019":
    case "UP035":
    case "UP037": return "safe";
    case "UP043": return rangeHasLostComment() ? "unsafe" : "safe";
    case "UP040":
      // TypeAlias annotations: always unsafe outside stubs; TypeAliasType: unsafe
      // only when comments outside the value would be lost
      if (d.message.includes("`TypeAlias` annotation")) return "unsafe";
      return rangeHasLostComment() ? "unsafe" : "safe";
    case "UP046":
    case "UP047": return "unsafe";
    case "UP049": return null; // safe, or display-only when a reference is spelled differently
    default: return null;
  }
}

function report(path, f) {
  if (json) {
    emit(JSON.stringify({ path, ...f }) + "\n");
  } else {
    let line = `${path}:${f.row}:${f.col}: ${f.code} ${f.message}`;
    if (f.fix) line += ` [${f.fix.applicability ?? ""}${f.fix.applicability ? " " : ""}fix: ${fmtFixText(f.fix)}]`;
    emit(line + "\n");
  }
}

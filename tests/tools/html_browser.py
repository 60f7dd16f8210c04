#!/usr/bin/env python3
"""html_browser.py: checks pyshift's HTML report in a real browser.

Drives headless Chromium (Debian's `chromium`) through the DevTools
protocol over --remote-debugging-pipe (NUL-separated JSON on file
descriptors 3 and 4), with the standard library only. Each scenario loads a
page, checks what is visible, works the filters and links the way a
reviewer would (setting a <select> and firing its change event, clicking),
and saves a screenshot.

  html_browser.py corpus PAGE.html FINDINGS.json SHOT.png
      a report of a real corpus written together with --format json: the
      counts and the listed findings match the JSON, each filter (family,
      rule, severity, confidence, module via the chart) shows exactly the
      findings the JSON says it should, paging works
  html_browser.py hostile PAGE.html SHOT.png
      test_report --write-html's page: hostile strings from scanned code are
      shown as text and nothing of them runs; the findings about shared
      state are grouped by object with the race explained; links between
      related locations lead to the finding
  html_browser.py scale PAGE.html COUNT SHOT.png
      test_report --write-html-many COUNT's page: one page of findings in
      the DOM, paging and links reach the last finding
  html_browser.py baseline PAGE.html RESULTS.sarif SHOT.png
      a report written with --baseline together with --format sarif
      (tests/cli/html_baseline.sh): each finding shows the badge of its
      SARIF baselineState, the summary counts new/unchanged/absent, the
      "new only" filter and the summary's cards show exactly the new ones

Every scenario fails on a JavaScript exception, a console error or a
Content-Security-Policy violation, and on any network request.

Exit 0: passed; 1: a check failed; 77: no chromium (skipped; a failure when
the environment variable CI is set, where .ci/install-deps installs it).
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

SEV = ["hint", "info", "warning", "error"]


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


class Browser:
    """One headless Chromium with one page, spoken to over the pipe."""

    def __init__(self, exe, width=1280, height=1400):
        self.tmp = tempfile.mkdtemp(prefix="pyshift-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        fds = (to_child_r, from_child_w)

        def wire():
            # Chromium reads commands on fd 3 and writes replies on fd 4.
            a, b = os.dup(fds[0]), os.dup(fds[1])
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--remote-debugging-pipe",
                "--user-data-dir=" + self.tmp, "about:blank"]
        # close_fds=False: fds 3 and 4, made in wire(), must survive exec;
        # every other descriptor of ours is close-on-exec (os.pipe, os.dup).
        self.proc = subprocess.Popen(args, preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise Failed("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise Failed("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    del self.events[i]
                    return e
            self.events.append(self._read())
        raise Failed("no %s within %d s" % (method, timeout))

    def load(self, path):
        self.events.clear()
        self.call("Page.navigate", {"url": "file://" + os.path.abspath(path)})
        self.wait_event("Page.loadEventFired")
        check(self.js("document.documentElement.getAttribute('data-ready')") == "1",
              "the report's script did not finish")

    def js(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise Failed("evaluating %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def problems(self):
        """JavaScript exceptions, console errors, CSP violations, requests."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append("exception: %s" % p.get("exceptionDetails", {}).get("text"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console.%s: %s" % (p["type"], [a.get("value") for a in p.get("args", [])]))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append("log: %s" % p["entry"].get("text"))
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not url.startswith("file://") and not url.startswith("about:"):
                    out.append("request: %s" % url)
        return out

    def screenshot(self, path):
        h = self.js("Math.min(document.documentElement.scrollHeight, 6000)")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": max(600, int(h)), "deviceScaleFactor": 1, "mobile": False})
        self.js("window.scrollTo(0, 0)")
        png = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        check(png.startswith(b"\x89PNG"), "a PNG screenshot")
        with open(path, "wb") as f:
            f.write(png)

    def close(self):
        try:
            self.session = None
            self.call("Browser.close")
        except Failed:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- page helpers ------------------------------------------------------------

def status(b):
    return b.js("document.getElementById('status').textContent")


def set_filter(b, name, value):
    b.js("(() => { const s = document.getElementById('filter-%s'); s.value = %s;"
         " s.dispatchEvent(new Event('change')); return s.value; })()" % (name, json.dumps(value)))


def reset(b):
    b.js("document.getElementById('filter-reset').click()")


def listed(b):
    """(rule, location) of each finding shown, from what the page displays."""
    return b.js("Array.from(document.querySelectorAll('#list > li')).map(li =>"
                " [li.querySelector('.rule').textContent, li.querySelector('.loc').textContent,"
                "  li.querySelector('.sev').textContent])")


def want_status(n, total, first=1, page=100):
    if n == 0:
        return "No findings match the filters."
    s = "Showing %d\u2013%d of %d findings" % (first, min(n, first + page - 1), n)
    return s + (" (filtered from %d)" % total if n < total else "")


# ---- scenarios --------------------------------------------------------------

def corpus(b, page, findings_json, shot):
    with open(findings_json, encoding="utf-8") as f:
        data = json.load(f)
    n = len(data)
    check(n > 0, "the corpus has findings")
    b.load(page)
    check(b.js("document.getElementById('n-findings').textContent") == str(n),
          "header count is the JSON's %d" % n)
    # The summary: per rule and per severity as in the JSON.
    rows = b.js("Array.from(document.querySelectorAll('#by-rule tbody tr')).map(r =>"
                " [r.cells[0].textContent, +r.cells[3].textContent])")
    by_rule = Counter(x["rule"] for x in data)
    check(dict(rows) == dict(by_rule), "rule table %s != JSON %s" % (rows, by_rule))
    for s in SEV:
        shown = b.js("document.getElementById('count-%s').textContent" % s)
        check(int(shown) == sum(1 for x in data if x["severity"] == s), "%s count" % s)
    fam_rows = dict(b.js("Array.from(document.querySelectorAll('#by-family tbody tr')).map(r =>"
                         " [r.cells[0].textContent, +r.cells[1].textContent])"))
    check(fam_rows == dict(Counter(x["rule"].rstrip("0123456789") for x in data)), "family table")
    check(b.js("document.querySelectorAll('#chart svg rect').length") > 0, "the module chart has bars")
    # The list: the first page, in the JSON's order, with code excerpts.
    check(status(b) == want_status(n, n), "status %r" % status(b))
    shown = listed(b)
    check(len(shown) == min(n, 100), "one page of findings")
    for (rule, loc, sev), x in zip(shown, data):
        want = "%s:%d:%d" % (x["path"], x["range"]["start"]["line"], x["range"]["start"]["column"])
        check((rule, loc, sev) == (x["rule"], want, x["severity"]), "listed %s, JSON %s" % ((rule, loc, sev), want))
    check(b.js("document.querySelectorAll('#list pre.code mark').length") > 0, "code excerpts with the range marked")
    if n > 100:
        b.js("document.querySelector('#pager-top button:last-child').click()")
        check(status(b) == want_status(n, n, first=101), "page 2: %r" % status(b))
        check(listed(b)[0][1].startswith(data[100]["path"]), "page 2 starts at the 101st finding")
    # Each filter shows exactly the matching findings.
    fams = Counter(x["rule"].rstrip("0123456789") for x in data)
    fam = min(fams, key=lambda k: (fams[k], k))
    cases = [("family", fam, lambda x: x["rule"].startswith(fam)),
             ("rule", min(by_rule, key=lambda k: (by_rule[k], k)), None),
             ("severity", Counter(x["severity"] for x in data).most_common()[-1][0], None),
             ("confidence", "high", lambda x: x.get("confidence") == "high"),
             ("confidence", "none", lambda x: not x.get("confidence"))]
    seen_change = False
    for name, value, pred in cases:
        if pred is None:
            key = "rule" if name == "rule" else "severity"
            pred = (lambda k, v: lambda x: x[k] == v)(key, value)
        want = [x for x in data if pred(x)]
        reset(b)
        set_filter(b, name, value)
        got = status(b)
        check(got == want_status(len(want), n), "%s=%s: %r, want %d findings" % (name, value, got, len(want)))
        shown = listed(b)
        check(len(shown) == min(len(want), 100), "%s=%s lists %d" % (name, value, len(shown)))
        for (rule, loc, sev), x in zip(shown, want):
            check(rule == x["rule"] and loc.startswith(x["path"] + ":"), "%s=%s shows %s" % (name, value, rule))
        seen_change |= len(want) != n
    check(seen_change, "some filter changed what is shown")
    # The chart: a click on the first bar lists that module's findings.
    reset(b)
    title = b.js("document.querySelector('#chart a title').textContent")
    b.js("document.querySelector('#chart a').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    count = int(title.rsplit(": ", 1)[1].split()[0])
    check(status(b) == want_status(count, n), "chart bar %r: %r" % (title, status(b)))
    check(b.js("document.getElementById('filter-module').value") != "", "the bar set the module filter")
    reset(b)
    check(status(b) == want_status(n, n), "reset")
    b.screenshot(shot)


def hostile(b, page, shot):
    b.load(page)
    check(b.js("typeof window.__pwned") == "undefined", "injected code ran")
    elements = b.js("document.querySelectorAll('img, iframe, object, embed, svg[onload], b[onmouseover]').length")
    check(elements == 0, "%d elements from scanned strings" % elements)
    handlers = b.js("Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
                    ".filter(a => a.name.startsWith('on')).map(a => a.name)")
    check(handlers == [], "event handler attributes %s" % handlers)
    scripts = b.js("document.scripts.length")
    check(scripts == 2, "%d scripts (the data block and the report's)" % scripts)
    text = b.js("document.body.innerText")
    for s in ("evil\"'<img src=x onerror=window.__pwned=1>.py",
              "x = '</script><script>window.__pwned=1</script>'",
              "`</script><svg onload=window.__pwned=1>` & \"quoted\" 'single'",
              "<b onmouseover=window.__pwned=1>related</b>"):
        check(s in text, "shown as text: %r" % s)
    # The shared-object groups: the race explained.
    groups = b.js("Array.from(document.querySelectorAll('#groups .group')).map(g => g.innerText)")
    check(len(groups) == 2, "%d groups" % len(groups))
    counter = [g for g in groups if g.startswith("Shared object counter")]
    check(counter, "a group for `counter`: %s" % groups)
    g = counter[0]
    for s in ("defined at src/race.py:1", "`counter` is written by two threads", "`counter` is read by two threads",
              "Other accesses", "line 1 `counter` is defined here", "Threads",
              "thread started by Thread(target=worker)", "pkg/main.py:4:1 pool.submit(worker) runs it",
              "Locks and fix", "no lock is held at either write", "confidence: high", "confidence: medium"):
        check(s in g, "group shows %r:\n%s" % (s, g))
    # Links: a related location leads to its finding, on whatever page.
    href = b.js("Array.from(document.querySelectorAll('#groups a.loc')).find(a =>"
                " a.textContent === 'line 1').getAttribute('href')")
    check(href and href.startswith("#f-"), "the access links to a finding: %r" % href)
    b.js("Array.from(document.querySelectorAll('#groups a.loc')).find(a =>"
         " a.textContent === 'line 1').click()")
    time.sleep(0.2)
    b.js("0")  # let the hashchange run
    check(b.js("location.hash") == href, "followed %s" % href)
    target = b.js("(() => { const e = document.getElementById(%s); return e && e.classList.contains('focus') &&"
                  " e.textContent; })()" % json.dumps(href[1:]))
    check(target and "`counter` is defined here" in target and "Referenced by" in target,
          "the linked finding is shown with its backlinks: %r" % target)
    # Filters reach the groups too.
    set_filter(b, "confidence", "medium")
    check(b.js("document.querySelectorAll('#groups .group').length") == 1, "confidence=medium: one group")
    check(b.js("document.querySelectorAll('#groups .race').length") == 1, "confidence=medium: one race")
    set_filter(b, "family", "TY")
    check(status(b) == "No findings match the filters.", "medium TY: none")
    reset(b)
    b.screenshot(shot)
    check(b.js("typeof window.__pwned") == "undefined", "injected code ran while browsing")


def scale(b, page, count, shot):
    b.load(page)
    check(status(b) == want_status(count, count), "status %r" % status(b))
    check(len(listed(b)) == 100, "one page in the DOM")
    nodes = b.js("document.getElementsByTagName('*').length")
    check(nodes < 5000, "%d elements for %d findings: not lazy" % (nodes, count))
    last = count - 1
    b.js("location.hash = '#f-%d'" % last)
    b.wait_event("Page.navigatedWithinDocument", 10)
    check(b.js("!!document.getElementById('f-%d')" % last), "the last finding is reachable by its anchor")
    check(status(b).startswith("Showing %d\u2013%d of %d" % ((count - 1) // 100 * 100 + 1, count, count)),
          "on the last page: %r" % status(b))
    set_filter(b, "severity", "error")
    want = sum(1 for k in range(count) if (k // 20 + k % 20) % 3 == 0)
    check(status(b) == want_status(want, count), "severity=error: %r, want %d" % (status(b), want))
    b.screenshot(shot)


def baseline(b, page, sarif, shot):
    with open(sarif, encoding="utf-8") as f:
        rs = json.load(f)["runs"][0]["results"]

    def where(r):
        loc = r["locations"][0]["physicalLocation"]
        return "%s:%d:%d" % (loc["artifactLocation"]["uri"], loc["region"]["startLine"], loc["region"]["startColumn"])

    want = sorted((r["ruleId"], where(r), r["baselineState"]) for r in rs)
    states = Counter(r["baselineState"] for r in rs)
    check(states["new"] and states["unchanged"] and states["absent"], "the page has all three states: %s" % states)
    total = len(rs)
    b.load(page)
    for s in ("new", "unchanged", "absent"):
        shown = b.js("document.getElementById('count-%s').textContent" % s)
        check(int(shown) == states[s], "summary: %s %s, SARIF %d" % (s, shown, states[s]))
    present = states["new"] + states["unchanged"]
    check(b.js("document.getElementById('n-findings').textContent") == str(present),
          "header counts the %d findings still there" % present)

    def badges():
        return sorted(tuple(x) for x in b.js(
            "Array.from(document.querySelectorAll('#list > li')).map(li =>"
            " [li.querySelector('.rule').textContent, li.querySelector('.loc').textContent,"
            "  (li.querySelector('.head .base') || {}).textContent])"))

    check(status(b) == want_status(total, total), "status %r" % status(b))
    check(badges() == want, "badges %s != SARIF %s" % (badges(), want))
    # "new only": exactly the new findings, each with its badge.
    set_filter(b, "baseline", "new")
    new = [w for w in want if w[2] == "new"]
    check(status(b) == want_status(len(new), total), "new only: %r" % status(b))
    check(badges() == new, "new only shows %s, want %s" % (badges(), new))
    reset(b)
    check(status(b) == want_status(total, total), "reset")
    # The summary's card sets the same filter.
    b.js("document.querySelector('#baseline a[data-value=absent]')"
         ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    check(b.js("document.getElementById('filter-baseline').value") == "absent", "the card set the filter")
    check(badges() == [w for w in want if w[2] == "absent"], "absent card: %s" % badges())
    reset(b)
    check(b.js("document.querySelector('#filter-baseline option[value=new]').textContent") ==
          "new only (%d)" % states["new"], "the filter's label")
    b.screenshot(shot)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("corpus", "hostile", "scale", "baseline"):
        print(__doc__, file=sys.stderr)
        return 2
    exe = os.environ.get("PS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        msg = "html_browser: no chromium on PATH (Debian: apt-get install chromium, as .ci/install-deps does)"
        print(msg + ("" if os.environ.get("CI") else "; skipped"), file=sys.stderr)
        return 1 if os.environ.get("CI") else 77
    b = Browser(exe)
    try:
        if argv[1] == "corpus":
            corpus(b, argv[2], argv[3], argv[4])
        elif argv[1] == "hostile":
            hostile(b, argv[2], argv[3])
        elif argv[1] == "baseline":
            baseline(b, argv[2], argv[3], argv[4])
        else:
            scale(b, argv[2], int(argv[3]), argv[4])
        bad = b.problems()
        check(not bad, "browser problems: %s" % bad)
    except Failed as e:
        print("html_browser %s: FAILED: %s" % (argv[1], e), file=sys.stderr)
        return 1
    finally:
        b.close()
    print("html_browser %s: passed (%s)" % (argv[1], argv[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

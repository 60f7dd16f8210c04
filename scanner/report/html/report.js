/* report.js: the HTML report's findings list, thread-safety groups and
 * filters (embedded in the page by html.c; the page's
 * Content-Security-Policy admits exactly these bytes).
 *
 * The data is the JSON block #ps-data; every string from it reaches the DOM
 * through textContent or an attribute, never as markup. Only one page of
 * findings (PAGE_SIZE) and of groups (GROUP_PAGE) is in the DOM at a time,
 * so 10,000 findings load as fast as 100. */
(function () {
  "use strict";
  var PAGE_SIZE = 100, GROUP_PAGE = 25;
  var D = JSON.parse(document.getElementById("ps-data").textContent);
  var F = D.findings, SEV = D.sev;
  var byId = {};
  D.rules.forEach(function (r, i) { byId[r.id] = i; });
  var state = { list: [], groups: [], page: 0, gpage: 0 };
  var sel = {};
  /* "baseline" (new, unchanged, absent) exists only in a run with --baseline. */
  ["family", "rule", "severity", "confidence", "module", "baseline"].forEach(function (k) {
    var s = document.getElementById("filter-" + k);
    if (s) sel[k] = s;
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function where(p, l, c) { return D.paths[p] + ":" + l + (c ? ":" + c : ""); }
  function conf(f) { return f.conf || "none"; }
  /* The finding's baseline state as a badge (a run with --baseline). */
  function badge(parent, f) {
    if (!f.b) return;
    var b = add(parent, el("span", "base base-" + f.b, f.b));
    b.title = { "new": "not in the baseline", "unchanged": "in the baseline, still found",
                "absent": "in the baseline, no longer found" }[f.b] || "";
  }

  function matches(f) {
    var v;
    if ((v = sel.family.value) && D.rules[f.r].family !== v) return false;
    if ((v = sel.rule.value) && D.rules[f.r].id !== v) return false;
    if ((v = sel.severity.value) && SEV[f.s] !== v) return false;
    if ((v = sel.confidence.value) && conf(f) !== v) return false;
    if ((v = sel.module.value) !== "" && String(D.pm[f.p]) !== v) return false;
    if (sel.baseline && (v = sel.baseline.value) && f.b !== v) return false;
    return true;
  }

  /* A location, linked to the finding at that line when there is one;
   * "line N" when it is in file `base`. */
  function locLink(x, base) {
    var text = x.p === base ? "line " + x.l : where(x.p, x.l, x.c);
    if (x.t === undefined) return el("span", "loc", text);
    var a = el("a", "loc", text);
    a.href = "#f-" + x.t;
    return a;
  }

  function codeExcerpt(f) {
    var pre = el("pre", "code");
    add(pre, el("span", "ln", f.l));
    var code = add(pre, el("code"));
    var chars = Array.from(f.src);          /* columns count code points */
    var off = f.so || 0;                    /* code points cut from the start */
    var a = Math.max(0, Math.min(chars.length, f.c - 1 - off));
    var b = f.el > f.l ? chars.length : Math.max(a, Math.min(chars.length, f.ec - 1 - off));
    if (off) add(code, el("span", "muted", "\u2026"));
    code.appendChild(document.createTextNode(chars.slice(0, a).join("")));
    add(code, el("mark", null, chars.slice(a, b).join("")));
    code.appendChild(document.createTextNode(chars.slice(b).join("")));
    if (f.cut) add(code, el("span", "muted", "\u2026"));
    return pre;
  }

  function subList(parent, label, items, render) {
    if (!items || !items.length) return;
    add(parent, el("div", "label", label));
    var ul = add(parent, el("ul", "sub"));
    items.forEach(function (x) { render(add(ul, el("li")), x); });
  }

  function renderRelated(li, x, base) {
    add(li, locLink(x, base));
    li.appendChild(document.createTextNode(" " + x.m));
  }

  function renderFlows(parent, f) {
    if (!f.flows) return;
    add(parent, el("div", "label", "Threads"));
    var ol = add(parent, el("ol", "sub"));
    f.flows.forEach(function (fl) {
      var li = add(ol, el("li"));
      add(li, el("span", null, fl.m));
      var steps = add(li, el("ol", "flow"));
      fl.steps.forEach(function (s, k) {
        var sl = add(steps, el("li"));
        if (k) add(sl, el("span", "arrow", "\u2192 "));
        add(sl, locLink(s, f.p));
        sl.appendChild(document.createTextNode(" " + s.m));
      });
    });
  }

  function renderFinding(i) {
    var f = F[i], r = D.rules[f.r];
    var li = el("li", "finding sev-" + SEV[f.s]);
    li.id = "f-" + i;
    var head = add(li, el("div", "head"));
    add(head, el("span", "sev", SEV[f.s]));
    var ra = add(head, el("a", "rule", r.id));
    ra.href = r.url;
    ra.title = r.name;
    var self = add(head, el("a", "loc", where(f.p, f.l, f.c)));
    self.href = "#f-" + i;
    badge(head, f);
    if (f.conf) add(head, el("span", "conf conf-" + f.conf, "confidence: " + f.conf));
    add(li, el("div", "msg", f.m));
    if (f.src !== undefined) add(li, codeExcerpt(f));
    if (f.fix) add(li, el("div", "muted", "fix (" + f.fix.a + "): " + f.fix.m));
    subList(li, "Related", f.rel, function (n, x) { renderRelated(n, x, f.p); });
    renderFlows(li, f);
    subList(li, "Notes", f.notes, function (n, x) { n.textContent = x; });
    subList(li, "Referenced by", f.by, function (n, j) {
      var a = add(n, el("a", "loc", where(F[j].p, F[j].l, F[j].c)));
      a.href = "#f-" + j;
      n.appendChild(document.createTextNode(" " + D.rules[F[j].r].id + " " + F[j].m));
    });
    return li;
  }

  function pager(id, page, pages, onto) {
    var nav = document.getElementById(id);
    nav.textContent = "";
    if (pages <= 1) return;
    var prev = add(nav, el("button", null, "\u2190 previous"));
    prev.type = "button";
    prev.disabled = page === 0;
    prev.addEventListener("click", function () { onto(page - 1); });
    add(nav, el("span", null, "page " + (page + 1) + " of " + pages));
    var next = add(nav, el("button", null, "next \u2192"));
    next.type = "button";
    next.disabled = page >= pages - 1;
    next.addEventListener("click", function () { onto(page + 1); });
  }

  function showList() {
    var ul = document.getElementById("list");
    ul.textContent = "";
    var n = state.list.length, pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var a = state.page * PAGE_SIZE, b = Math.min(n, a + PAGE_SIZE);
    var frag = document.createDocumentFragment();
    for (var k = a; k < b; k++) frag.appendChild(renderFinding(state.list[k]));
    ul.appendChild(frag);
    var status = document.getElementById("status");
    status.textContent = n ? "Showing " + (a + 1) + "\u2013" + b + " of " + n + " findings" +
      (n < F.length ? " (filtered from " + F.length + ")" : "")
      : "No findings match the filters.";
    pager("pager-top", state.page, pages, function (p) { state.page = p; showList(); });
    pager("pager-bottom", state.page, pages, function (p) {
      state.page = p; showList(); document.getElementById("findings").scrollIntoView();
    });
  }

  function renderGroup(g) {
    var art = el("article", "group");
    var h = add(art, el("h3"));
    h.appendChild(document.createTextNode("Shared object "));
    add(h, el("code", null, g.object));
    if (g.defined) add(h, el("span", "muted", " \u2014 defined at " + g.defined));
    g.f.filter(function (i) { return matches(F[i]); }).forEach(function (i) {
      var f = F[i], r = D.rules[f.r];
      var race = add(art, el("div", "race sev-" + SEV[f.s]));
      var p = add(race, el("div", "head"));
      add(p, el("span", "sev", SEV[f.s]));
      add(p, el("b", null, r.id + " "));
      var a = add(p, el("a", "loc", where(f.p, f.l, f.c)));
      a.href = "#f-" + i;
      badge(p, f);
      if (f.conf) add(p, el("span", "conf conf-" + f.conf, "confidence: " + f.conf));
      add(race, el("div", "msg", f.m));
      var dl = add(race, el("dl"));
      function row(label, fill) { add(dl, el("dt", null, label)); fill(add(dl, el("dd"))); }
      row("Access", function (dd) {
        add(dd, locLink({ p: f.p, l: f.l, c: f.c, t: i }));
        if (f.src !== undefined) dd.appendChild(document.createTextNode(" " + f.src.trim()));
      });
      if (f.rel) row("Other accesses", function (dd) {
        var ul = add(dd, el("ul", "sub"));
        f.rel.forEach(function (x) { renderRelated(add(ul, el("li")), x, f.p); });
      });
      if (f.flows) row("Threads", function (dd) {
        var ol = add(dd, el("ol", "sub"));
        f.flows.forEach(function (fl) {
          var li = add(ol, el("li"));
          add(li, el("span", null, fl.m + ": "));
          fl.steps.forEach(function (s, k) {
            if (k) add(li, el("span", "arrow", " \u2192 "));
            var w = add(li, el("span"));
            add(w, locLink(s, f.p));
            w.appendChild(document.createTextNode(" " + s.m));
          });
        });
      });
      if (f.notes) row("Locks and fix", function (dd) {
        var ul = add(dd, el("ul", "sub"));
        f.notes.forEach(function (x) { add(ul, el("li", null, x)); });
      });
    });
    return art;
  }

  function showGroups() {
    var box = document.getElementById("groups");
    if (!box) return;
    box.textContent = "";
    var n = state.groups.length, pages = Math.max(1, Math.ceil(n / GROUP_PAGE));
    state.gpage = Math.min(state.gpage, pages - 1);
    var a = state.gpage * GROUP_PAGE, b = Math.min(n, a + GROUP_PAGE);
    for (var k = a; k < b; k++) box.appendChild(renderGroup(D.groups[state.groups[k]]));
    document.getElementById("group-status").textContent = n ?
      "Showing shared objects " + (a + 1) + "\u2013" + b + " of " + n : "No shared object matches the filters.";
    pager("group-pager", state.gpage, pages, function (p) { state.gpage = p; showGroups(); });
  }

  function apply() {
    state.list = [];
    for (var i = 0; i < F.length; i++) if (matches(F[i])) state.list.push(i);
    state.groups = [];
    D.groups.forEach(function (g, k) {
      if (g.f.some(function (i) { return matches(F[i]); })) state.groups.push(k);
    });
    state.page = 0;
    state.gpage = 0;
    showList();
    showGroups();
  }

  /* #f-N: show finding N (on its page; the filters are cleared if they
   * hide it) and scroll to it. */
  function focus() {
    var m = /^#f-(\d+)$/.exec(location.hash);
    if (!m) return;
    var i = +m[1];
    if (i >= F.length) return;
    var k = state.list.indexOf(i);
    if (k < 0) {
      Object.keys(sel).forEach(function (s) { sel[s].value = ""; });
      apply();
      k = state.list.indexOf(i);
    }
    state.page = Math.floor(k / PAGE_SIZE);
    showList();
    var e = document.getElementById("f-" + i);
    document.querySelectorAll(".finding.focus").forEach(function (x) { x.classList.remove("focus"); });
    if (e) { e.classList.add("focus"); e.scrollIntoView(); }
  }

  Object.keys(sel).forEach(function (k) { sel[k].addEventListener("change", apply); });
  document.getElementById("filter-reset").addEventListener("click", function () {
    Object.keys(sel).forEach(function (k) { sel[k].value = ""; });
    apply();
  });
  /* Summary links (table rows, chart bars) set one filter. */
  document.querySelectorAll("[data-filter]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      Object.keys(sel).forEach(function (k) { sel[k].value = ""; });
      sel[a.getAttribute("data-filter")].value = a.getAttribute("data-value");
      apply();
      document.getElementById("findings").scrollIntoView();
    });
  });
  window.addEventListener("hashchange", focus);
  /* A link to the finding already in the address bar fires no hashchange. */
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href^='#f-']");
    if (a && a.getAttribute("href") === location.hash) focus();
  });
  apply();
  focus();
  document.documentElement.setAttribute("data-ready", "1");
})();

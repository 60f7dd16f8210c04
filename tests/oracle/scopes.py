"""scopes.py: Python's scoping rules over an `ast` tree, for the oracle.

Every name binding is recorded in the scope Python puts it in (module,
class, function/lambda, comprehension; `global`/`nonlocal`; walrus targets
in comprehensions go to the enclosing scope). `Scopes.lookup(name, node)`
returns the bindings a load of `name` at `node` can see, following Python's
rules (class bodies are not visible from nested functions). Flow-insensitive:
every binding of the name in the scope counts, wherever it is.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass
class Binding:
    kind: str                 # import | assign | def | class | param | del | other
    node: ast.AST             # the statement (Import/ImportFrom/Assign/...) or def
    q: str | None = None      # import: the qualified name bound (None: relative)
    value: ast.AST | None = None  # assign: the value expression
    scope: "Scope | None" = None


@dataclass
class Scope:
    kind: str                 # module | class | function | comprehension
    node: ast.AST
    parent: "Scope | None"
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def bind(self, name: str, b: Binding):
        target = self
        if name in self.globals:
            target = self.module()
        elif name in self.nonlocals:
            s = self.parent
            while s is not None and not (s.kind == "function" and name in s.bindings):
                s = s.parent
            target = s or self.module()
        b.scope = target
        target.bindings.setdefault(name, []).append(b)

    def module(self) -> "Scope":
        s = self
        while s.parent is not None:
            s = s.parent
        return s


_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class Scopes:
    def __init__(self, tree: ast.Module):
        self.scope_of: dict[int, Scope] = {}   # id(node) -> scope the node is evaluated in
        self.parent: dict[int, ast.AST] = {}
        self.module = Scope("module", tree, None)
        self.class_defs: dict[int, Scope] = {}  # id(ClassDef) -> its scope
        # Pass 1: global/nonlocal declarations per scope, so binds go right.
        self._walk(tree, self.module)

    # -- building -----------------------------------------------------------------

    def _declare(self, body_node: ast.AST, scope: Scope):
        for n in ast.walk(body_node):
            if isinstance(n, ast.Global):
                scope.globals.update(n.names)
            elif isinstance(n, ast.Nonlocal):
                scope.nonlocals.update(n.names)

    def _bind_target(self, t: ast.AST, scope: Scope, kind: str, stmt: ast.AST, value=None):
        if isinstance(t, ast.Name):
            scope.bind(t.id, Binding(kind, stmt, value=value))
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self._bind_target(e, scope, "other", stmt)
        elif isinstance(t, ast.Starred):
            self._bind_target(t.value, scope, "other", stmt)

    def _set_parent(self, node):
        for c in ast.iter_child_nodes(node):
            self.parent[id(c)] = node

    def _walk(self, node: ast.AST, scope: Scope):
        self.scope_of[id(node)] = scope
        self._set_parent(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.bind(node.name, Binding("def", node))
            for d in node.decorator_list:
                self._walk(d, scope)
            self._walk_args_defaults(node.args, scope)
            if node.returns:
                self._walk(node.returns, scope)
            inner = Scope("function", node, scope)
            self._declare_function(node, inner)
            self._bind_params(node.args, inner, node)
            self.scope_of[id(node.args)] = inner
            for s in node.body:
                self._walk(s, inner)
            return
        if isinstance(node, ast.Lambda):
            self._walk_args_defaults(node.args, scope)
            inner = Scope("function", node, scope)
            self._bind_params(node.args, inner, node)
            self._walk(node.body, inner)
            return
        if isinstance(node, ast.ClassDef):
            scope.bind(node.name, Binding("class", node))
            for d in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self._walk(d, scope)
            inner = Scope("class", node, scope)
            self.class_defs[id(node)] = inner
            for s in node.body:
                self._declare_shallow(s, inner)
            for s in node.body:
                self._walk(s, inner)
            return
        if isinstance(node, _COMPS):
            # The first iterable is evaluated in the enclosing scope.
            inner = Scope("comprehension", node, scope)
            for i, gen in enumerate(node.generators):
                self._walk(gen.iter, scope if i == 0 else inner)
                self._bind_target(gen.target, inner, "other", gen)
                self._walk(gen.target, inner)
                for cond in gen.ifs:
                    self._walk(cond, inner)
            elts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for e in elts:
                self._walk(e, inner)
            return
        # Bindings made by this node.
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    scope.bind(a.asname, Binding("import", node, q=a.name))
                else:
                    top = a.name.split(".")[0]
                    scope.bind(top, Binding("import", node, q=top))
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.name == "*":
                    continue
                q = f"{node.module}.{a.name}" if node.level == 0 and node.module else None
                scope.bind(a.asname or a.name, Binding("import", node, q=q))
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                self._bind_target(t, scope, "assign", node, node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None or True:
                self._bind_target(node.target, scope, "assign" if node.value is not None else "other",
                                  node, node.value)
        elif isinstance(node, ast.AugAssign):
            self._bind_target(node.target, scope, "other", node)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._bind_target(node.target, scope, "other", node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for it in node.items:
                if it.optional_vars is not None:
                    self._bind_target(it.optional_vars, scope, "other", node)
        elif isinstance(node, ast.ExceptHandler):
            if node.name:
                scope.bind(node.name, Binding("other", node))
        elif isinstance(node, ast.NamedExpr):
            s = scope
            while s.kind == "comprehension":
                s = s.parent
            self._bind_target(node.target, s, "other", node)
        elif isinstance(node, ast.Delete):
            # `del x` makes x local to the scope but binds no new value.
            for t in node.targets:
                if isinstance(t, ast.Name):
                    scope.bind(t.id, Binding("del", node))
        elif isinstance(node, ast.MatchAs) and node.name:
            scope.bind(node.name, Binding("other", node))
        elif isinstance(node, ast.MatchStar) and node.name:
            scope.bind(node.name, Binding("other", node))
        elif isinstance(node, ast.MatchMapping) and node.rest:
            scope.bind(node.rest, Binding("other", node))
        for c in ast.iter_child_nodes(node):
            self._walk(c, scope)

    def _declare_shallow(self, stmt, scope):
        # global/nonlocal statements directly in a class body
        for n in ast.walk(stmt):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(n, ast.Global):
                scope.globals.update(n.names)
            elif isinstance(n, ast.Nonlocal):
                scope.nonlocals.update(n.names)

    def _declare_function(self, fn, scope):
        stack = list(fn.body)
        while stack:
            n = stack.pop()
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(n, ast.Global):
                scope.globals.update(n.names)
            elif isinstance(n, ast.Nonlocal):
                scope.nonlocals.update(n.names)
            stack.extend(ast.iter_child_nodes(n))

    def _walk_args_defaults(self, args: ast.arguments, scope: Scope):
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self._walk(d, scope)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                self._walk(a.annotation, scope)

    def _bind_params(self, args: ast.arguments, scope: Scope, fn):
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None:
                scope.bind(a.arg, Binding("param", fn))

    # -- queries ------------------------------------------------------------------

    def lookup(self, name: str, node: ast.AST) -> list[Binding]:
        """The bindings a load of `name` evaluated at `node` sees ([] for a
        builtin or undefined name)."""
        scope = self.scope_of.get(id(node), self.module)
        if name in scope.globals:
            return self.module.bindings.get(name, [])
        first = True
        s = scope
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent
                continue
            if name in s.bindings:
                return s.bindings[name]
            first = False
            s = s.parent
        return []

    def enclosing_class_of_method(self, node: ast.AST) -> ast.ClassDef | None:
        """For a node inside a method (possibly in a nested function of it),
        the class the method belongs to."""
        n = node
        passed_function = False
        while True:
            p = self.parent.get(id(n))
            if p is None:
                return None
            if isinstance(p, _FUNCS):
                passed_function = True
            if isinstance(p, ast.ClassDef):
                return p if passed_function else None
            n = p

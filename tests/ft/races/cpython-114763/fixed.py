# https://github.com/python/cpython/issues/114763 (fix: https://github.com/python/cpython/pull/114781)
# Fixed: the load runs under a per-module RLock and the module's class is reset only after
# exec_module() and the __dict__ update, so no thread sees a "loaded" but empty module.
# Reduced from Lib/importlib/util.py as of 3.13.0 (post-fix).
import sys
import threading
import types


class _LazyModule(types.ModuleType):

    """A subclass of the module type which triggers loading upon attribute access."""

    def __getattribute__(self, attr):
        """Trigger the load of the module and return the attribute."""
        __spec__ = object.__getattribute__(self, '__spec__')
        loader_state = __spec__.loader_state
        with loader_state['lock']:
            # Only the first thread to get the lock should trigger the load
            # and reset the module's class. The rest can now getattr().
            if object.__getattribute__(self, '__class__') is _LazyModule:
                __class__ = loader_state['__class__']

                # Reentrant calls from the same thread must be allowed to proceed without
                # triggering the load again.
                if loader_state['is_loading']:
                    return __class__.__getattribute__(self, attr)
                loader_state['is_loading'] = True

                __dict__ = __class__.__getattribute__(self, '__dict__')

                # Get the original name to make sure no object substitution occurred
                # in sys.modules.
                original_name = __spec__.name
                # Figure out exactly what attributes were mutated between the creation
                # of the module and now.
                attrs_then = loader_state['__dict__']
                attrs_now = __dict__
                attrs_updated = {}
                for key, value in attrs_now.items():
                    # Code that set an attribute may have kept a reference to the
                    # assigned object, making identity more important than equality.
                    if key not in attrs_then:
                        attrs_updated[key] = value
                    elif id(attrs_now[key]) != id(attrs_then[key]):
                        attrs_updated[key] = value
                __spec__.loader.exec_module(self)
                # If exec_module() was used directly there is no guarantee the module
                # object was put into sys.modules.
                if original_name in sys.modules:
                    if id(self) != id(sys.modules[original_name]):
                        raise ValueError(f"module object for {original_name!r} "
                                         "substituted in sys.modules during a lazy "
                                         "load")
                # Update after loading since that's what would happen in an eager
                # loading situation.
                __dict__.update(attrs_updated)
                # Finally, stop triggering this method, if the module did not
                # already update its own __class__.
                if isinstance(self, _LazyModule):
                    object.__setattr__(self, '__class__', __class__)  # ok: FT002

        return getattr(self, attr)


class LazyLoader:
    """A loader that creates a module which defers loading until attribute access."""

    def __init__(self, loader):
        self.loader = loader

    def exec_module(self, module):
        """Make the module load lazily."""
        module.__spec__.loader = self.loader
        module.__loader__ = self.loader
        loader_state = {}
        loader_state['__dict__'] = module.__dict__.copy()
        loader_state['__class__'] = module.__class__
        loader_state['lock'] = threading.RLock()
        loader_state['is_loading'] = False
        module.__spec__.loader_state = loader_state
        module.__class__ = _LazyModule


class _SlowLoader:
    """Stand-in for a source loader: executing the module body takes a while."""

    def exec_module(self, module):
        for i in range(50):
            setattr(module, "name%d" % i, i)
        module.ACCEPTED = 202


def _lazy_module(name="pyshift_ft_lazy"):
    spec = types.SimpleNamespace(name=name, loader=None, loader_state=None)
    module = types.ModuleType(name)
    module.__spec__ = spec
    sys.modules[name] = module
    LazyLoader(_SlowLoader()).exec_module(module)
    return module


def check(module):
    return module.ACCEPTED == 202


def stress(nthreads=6):
    """One attempt; returns the number of threads whose attribute access failed."""
    module = _lazy_module()
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            check(module)
        except AttributeError as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    module = _lazy_module()
    threads = [threading.Thread(target=check, args=(module,)) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()

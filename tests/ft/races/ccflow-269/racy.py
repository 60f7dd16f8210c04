# https://github.com/Point72/ccflow/pull/269
# Race: FlowOptionsOverride.get_options() iterates the class-level dict _OPEN_OVERRIDES while
# another thread's __enter__/__exit__ inserts or deletes an override (RuntimeError: dictionary
# changed size during iteration). Reduced from ccflow/callable.py before the PR (pydantic left out).
import threading


class FlowOptions:
    def __init__(self, **fields):
        self.fields = dict(fields)

    def model_copy(self, update=None):
        new = FlowOptions(**self.fields)
        new.fields.update(update or {})
        return new


_FLOW_OPTIONS = FlowOptions(log_level=10)


class FlowOptionsOverride:
    """This python context helps the registry track dependencies of underlying calls to the registry."""

    _OPEN_OVERRIDES = {}

    def __init__(self, options, models=(), model_types=()):
        self.options = options
        self.models = tuple(models)
        self.model_types = tuple(model_types)

    @classmethod
    def _apply_options(cls, old, new):
        return old.model_copy(update=new.fields)

    @classmethod
    def get_options(cls, model, model_options=None):
        """Return a set of options with overrides applied."""
        current_options = _FLOW_OPTIONS.model_copy()
        for override in cls._OPEN_OVERRIDES.values():  # expect: FT004
            # Apply global options first
            if not override.models and not override.model_types:
                current_options = cls._apply_options(current_options, override.options)
        if model_options:
            current_options = cls._apply_options(current_options, model_options)
        # Then apply all model-specific overrides
        for override in cls._OPEN_OVERRIDES.values():  # expect: FT004
            if any(model is m for m in override.models) or isinstance(model, override.model_types):
                current_options = cls._apply_options(current_options, override.options)
        return current_options

    def __enter__(self):
        override_id = id(self)
        if override_id in FlowOptionsOverride._OPEN_OVERRIDES:
            raise ValueError(f"{self} has already been entered.")
        FlowOptionsOverride._OPEN_OVERRIDES[override_id] = self
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        override_id = id(self)
        del FlowOptionsOverride._OPEN_OVERRIDES[override_id]


class Model:
    pass


MODEL = Model()


def evaluate(rounds=200):
    for _ in range(rounds):
        FlowOptionsOverride.get_options(MODEL)


def override(rounds=200):
    for _ in range(rounds):
        with FlowOptionsOverride(FlowOptions(log_level=20), model_types=(Model,)):
            pass


def stress():
    """One attempt; returns the number of RuntimeErrors raised by get_options()."""
    keep = [FlowOptionsOverride(FlowOptions(log_level=30)) for _ in range(20)]
    for o in keep:
        o.__enter__()
    errors = []
    barrier = threading.Barrier(3)

    def run(fn):
        barrier.wait()
        try:
            fn()
        except RuntimeError as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(f,)) for f in (evaluate, evaluate, override)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for o in keep:
        o.__exit__(None, None, None)
    return len(errors)


def main():
    threads = [threading.Thread(target=evaluate), threading.Thread(target=override)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()

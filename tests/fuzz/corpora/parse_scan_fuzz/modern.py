from __future__ import annotations
import asyncio, dataclasses
type Pair[T] = tuple[T, T]
def first[T](xs: list[T]) -> T:
    return xs[0]
class Box[T: (int, str)]:
    pass
@dataclasses.dataclass(slots=True)
class P:
    x: int = 0
async def run(q):
    async with asyncio.timeout(1):
        async for item in q:
            if (n := len(item)) > 3:
                yield n
match command.split():
    case [action]:
        pass
    case ["go", direction] | ["move", direction]:
        pass
    case {"x": x, **rest}:
        pass
    case Point(x=0, y=0):
        pass
    case _:
        pass
try:
    pass
except* ValueError as eg:
    pass
s = f"{x!r:>{width}} {y=} {'nested' + f'{z}'}"
b = rb'\d+' + b"\xff"
lam = lambda *a, **k: (a, k)
def pos(a, /, b, *, c): ...
global_counter = 0
def bump():
    global global_counter
    global_counter += 1

"""A Python process for live_interpreter_test.cpp to read from outside. It starts threads that park in
known places (one through a generator, one through a C callback, one holding the GIL inside a C call),
then prints "ready N" (N threads) and what the test must find in its memory, and blocks reading stdin.

Lines after "ready N" (text fields in hex, so that any character survives):
    version <Py_Version>            runtime <address of _PyRuntime>
    type <name> <address>           the interpreter's type objects
    hashsecret <address of _Py_HashSecret>           strhash <ascii hex> <hash() of that str>
    str <key> <address> ok <utf-8 hex> | str <key> <address> too_long
    bytes <key> <address> ok <hex> | bytes <key> <address> too_long
    int <key> <address> ok <negative 0/1> <magnitude> | int <key> <address> <failure>
    dict <key> <address> <entries>  dictget <dict key> <str key hex> <value address or 0>
    attr <object address> <name hex> <value address or 0>
    derives <type address> <base address> <0/1>     typename <type address> <name hex>
    thread <ident> <native id> <name hex> <role>
    frame <ident> <qualname hex> <filename hex> <line>      innermost first, one thread after another
    end
"""
import ctypes
import sys
import threading
import types

SOURCE_LINES = open(__file__, encoding="utf-8").read().splitlines()


def marker_line(marker):
    found = [i + 1 for i, text in enumerate(SOURCE_LINES) if text.rstrip().endswith("# @" + marker)]
    assert len(found) == 1, marker
    return found[0]


def h(text):
    return text.encode("utf-8").hex() if text else "-"


out = []


def emit(*fields):
    out.append(" ".join(str(f) for f in fields))


# ---- objects to decode ----
STRINGS = {
    "ascii": "hello, world",
    "empty": "",
    "latin1": "café ÿ",
    "bmp": "线程 Ωμέγα",
    "astral": "🧵 thread 𝄞",
    "surrogate": "a\udc80b",
    "long": "x" * 5000,
}
BYTES = {"empty": b"", "all": bytes(range(256)), "huge": b"y" * (2 << 20)}
INTS = {"zero": 0, "one": 1, "minus": -1, "digit": 2**30 - 1, "two_digits": 2**40 + 5, "big": 2**63 - 1,
        "negative": -(2**62), "max": 2**64 - 1, "too_big": 2**64, "bool": True}


class Point:
    def __init__(self):
        self.x = 1
        self.name = "a point"


class Note(Exception):
    pass


def objects():
    emit("hashsecret", ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_Py_HashSecret")))
    for text in ["", "a", "_active", "threading", "exactly8", "fifteen chars!!", "sixteen chars!!!", "z" * 100]:
        emit("strhash", h(text), hash(text))
    for key, s in STRINGS.items():
        if len(s) > 4096:
            emit("str", key, id(s), "too_long")
        else:
            shown = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)
            emit("str", key, id(s), "ok", h(shown))
    for key, b in BYTES.items():
        emit("bytes", key, id(b), "too_long" if len(b) > (1 << 20) else "ok", b.hex() or "-")
    for key, i in INTS.items():
        if type(i) is not int:
            emit("int", key, id(i), "wrong_type")
        elif abs(i) >= 2**64:
            emit("int", key, id(i), "too_long")
        else:
            emit("int", key, id(i), "ok", int(i < 0), abs(i))
    small = {"alpha": 1, "beta": "two", 3: "three"}
    big = {f"k{i}": i for i in range(1000)}
    emit("dict", "small", id(small), len(small))
    emit("dict", "big", id(big), len(big))
    emit("dictget", "small", h("beta"), id(small["beta"]))
    emit("dictget", "small", h("gamma"), 0)
    emit("dictget", "big", h("k999"), id(big["k999"]))
    emit("dictget", "big", h("k1000"), 0)
    emit("dict", "modules", id(sys.modules), len(sys.modules))
    emit("dictget", "modules", h("threading"), id(sys.modules["threading"]))
    emit("dictget", "modules", h("no such module"), 0)
    values = Point()             # attributes in values (3.11, 3.12) or inline (3.13)
    materialised = Point()
    materialised.__dict__        # now a real dict
    materialised.extra = "more"
    note = Note()                # a dict at tp_dictoffset
    note.detail = "why"
    for obj, name in [(values, "name"), (values, "missing"), (materialised, "name"), (materialised, "extra"),
                      (note, "detail")]:
        value = getattr(obj, name, None)  # not obj.__dict__: that would materialise the values' dict
        emit("attr", id(obj), h(name), id(value) if value is not None else 0)
    emit("derives", id(Worker), id(threading.Thread), 1)
    emit("derives", id(Worker), id(dict), 0)
    emit("derives", id(bool), id(int), 1)
    emit("typename", id(Worker), h("Worker"))
    emit("typename", id(types.CodeType), h("code"))
    return [small, big, values, materialised, note]  # kept alive by the caller


# ---- threads parked in known places ----
class Worker(threading.Thread):
    def __init__(self, name, park):
        super().__init__(name=name, daemon=True)
        self.park = park
        self.parked = threading.Event()
        self.release = threading.Event()

    def run(self):
        self.park(self)


def nested(worker):
    def inner():
        worker.parked.set()
        worker.release.wait()
    inner()


def through_generator(worker):
    def gen():
        worker.parked.set()
        worker.release.wait()
        yield 1
    next(gen())


def through_c_callback(worker):
    def callback(item):
        worker.parked.set()
        worker.release.wait()
        return item
    list(map(callback, [1]))


HOLD_GIL_LINE = marker_line("hold")


def hold_gil(worker):
    worker.parked.set()
    worker.release.wait()  # released once the main thread blocks; then take the GIL and keep it
    ctypes.PyDLL(None).sleep(3600)  # @hold


def thread_frames(frame):
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_qualname, frame.f_code.co_filename, frame.f_lineno))
        frame = frame.f_back
    return frames


def main():
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    version = ctypes.c_uint32.in_dll(ctypes.pythonapi, "Py_Version").value
    emit("version", version)
    emit("runtime", runtime)
    for name, t in [("code", types.CodeType), ("str", str), ("bytes", bytes), ("int", int), ("dict", dict),
                    ("module", types.ModuleType), ("frame", types.FrameType)]:
        emit("type", name, id(t))
    keep = objects()

    workers = [Worker("worker-ascii", nested), Worker("wörker-latin1", nested), Worker("线程-bmp", through_generator),
               Worker("🧵-astral", through_c_callback), Worker("gil-holder", hold_gil)]
    for w in workers:
        w.start()
        w.parked.wait()
    holder = workers[-1]
    frames = sys._current_frames()
    me = threading.main_thread()
    block_line = marker_line("block")
    for t in [me] + workers:
        role = "main" if t is me else "holder" if t is holder else "worker"
        emit("thread", t.ident, t.native_id, h(t.name), role)
        if t is me:
            stack = thread_frames(sys._getframe())
            stack[0] = (stack[0][0], stack[0][1], block_line)
        elif t is holder:
            stack = [("hold_gil", __file__, HOLD_GIL_LINE)]  # where it will be; its callers as they are now
            stack += thread_frames(frames[t.ident])[3:]  # below Condition.wait, Event.wait, hold_gil
        else:
            stack = thread_frames(frames[t.ident])
        for qualname, filename, line in stack:
            emit("frame", t.ident, h(qualname), h(filename), line)
    emit("end")
    sys.stdout.write(f"ready {threading.active_count()}\n" + "\n".join(out) + "\n")
    sys.stdout.flush()
    holder.release.set()
    sys.stdin.readline()  # @block
    del keep


main()

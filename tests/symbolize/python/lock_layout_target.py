"""Target of lock_layout_test.cpp: threading locks in known states, their addresses printed on one line.

held (a Lock, acquired), free (a Lock, not acquired), rlock (an RLock the main thread acquired 3 times), a
weak reference to held and to rlock. Prints "ready 1" then, in decimal: id(held) id(free) id(rlock)
threading.get_ident() id(weakref to held) id(weakref to rlock) id(type(held)) id(type(rlock))
type(held).__basicsize__ type(rlock).__basicsize__; then reads stdin until EOF.
"""

import sys
import threading
import weakref

held = threading.Lock()
held.acquire()
free = threading.Lock()
rlock = threading.RLock()
for _ in range(3):
    rlock.acquire()
refs = [weakref.ref(held), weakref.ref(rlock)]
values = [id(held), id(free), id(rlock), threading.get_ident(), id(refs[0]), id(refs[1]),
          id(type(held)), id(type(rlock)), type(held).__basicsize__, type(rlock).__basicsize__]
print("ready 1", *values, flush=True)
sys.stdin.read()

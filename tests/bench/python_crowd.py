"""The Python benchmark target: THREADS named threads, each FRAMES Python frames deep, all asleep.

Like tests/fixtures/python/crowd.py (same shape: odd threads in time.sleep, even ones in select), without the
expectation protocol, whose watcher wants /proc/PID/task to hold the Python threads only: here the bench
heartbeat (LD_PRELOADed) is a thread of the process too. Prints "ready" once every thread has reached its
depth; EOF on stdin ends it.
Run: python3 python_crowd.py [THREADS [FRAMES]]   (default 50 30)
"""

import os
import select
import sys
import threading
import time

thread_count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
frame_count = int(sys.argv[2]) if len(sys.argv) > 2 else 30
silent_r, silent_w = os.pipe()
arrived = threading.Barrier(thread_count + 1)


def stack_depth(frame):
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def climb(k):
    if stack_depth(sys._getframe()) < frame_count:
        climb(k)
    elif k % 2:
        arrived.wait()
        while True:
            time.sleep(3600)
    else:
        arrived.wait()
        select.select([silent_r], [], [])


for k in range(thread_count):
    threading.Thread(target=climb, args=(k,), name=f"crowd-{k}", daemon=True).start()
arrived.wait()
print("ready", flush=True)
sys.stdin.read()

"""Prints the location tables of the standard library's code objects, with what the interpreter itself
says about them, for location_table_test.cpp:

    C <firstlineno> <co_linetable as hex> <number of code units>
    L <start> <end> <line or -1>                   one per co_lines() range (byte offsets)
    P <line> <end line> <column> <end column> ...  co_positions(), four numbers a code unit, -1 for None

Modules are compiled from source (not imported), in sorted order, until at least sys.argv[1] code
objects were printed."""
import os
import sys
import sysconfig


def code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, type(code)):
            yield from code_objects(const)


def n(value):
    return -1 if value is None else value


def main():
    wanted = int(sys.argv[1])
    stdlib = sysconfig.get_paths()["stdlib"]
    out = sys.stdout
    printed = 0
    for name in sorted(os.listdir(stdlib)):
        if not name.endswith(".py"):
            continue
        try:
            with open(os.path.join(stdlib, name), "rb") as f:
                module = compile(f.read(), name, "exec")
        except (SyntaxError, ValueError, OSError):
            continue
        for code in code_objects(module):
            units = len(code.co_code) // 2
            out.write(f"C {code.co_firstlineno} {code.co_linetable.hex()} {units}\n")
            for start, end, line in code.co_lines():
                out.write(f"L {start} {end} {n(line)}\n")
            out.write("P " + " ".join(f"{n(a)} {n(b)} {n(c)} {n(d)}" for a, b, c, d in code.co_positions()) + "\n")
            printed += 1
        if printed >= wanted:
            break


main()

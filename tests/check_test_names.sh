#!/bin/sh
# doctest_discover_tests gives ctest one test per TEST_CASE, named after it; ctest splits a name at ';'
# into filters that match no case, and doctest then runs nothing and passes. No case may hold one.
# $1: the gmr_tests binary.
names=$("$1" --list-test-cases) || exit 1
bad=$(printf '%s\n' "$names" | grep -F ';')
if [ -n "$bad" ]; then
  printf 'test-case names holding ";" (ctest would run nothing for them):\n%s\n' "$bad"
  exit 1
fi
count=$(printf '%s\n' "$names" | grep -vc '^\[doctest\]')
[ "$count" -gt 0 ] || { echo "gmr_tests listed no test case"; exit 1; }

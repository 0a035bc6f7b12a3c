#!/bin/sh
# doctest_discover_tests gives ctest one test per TEST_CASE, named after it, through a CMake list: a name
# holding ';' is split, and one with unbalanced '[' ']' swallows the names after it. ctest then runs
# filters that match no case, and doctest passes having run nothing. No name may hold either.
# $1: the gmr_tests binary.
names=$("$1" --list-test-cases | grep -v '^\[doctest\]') || exit 1
[ -n "$names" ] || { echo "gmr_tests listed no test case"; exit 1; }
bad=$(printf '%s\n' "$names" | awk '{ o = gsub(/\[/, "["); c = gsub(/\]/, "]"); if (index($0, ";") || o != c) print }')
if [ -n "$bad" ]; then
  printf 'test-case names that ctest would split or merge (a ";" or unbalanced brackets):\n%s\n' "$bad"
  exit 1
fi

#!/usr/bin/env python3
"""Print instructions per call of selected functions from a callgrind output file.

Usage: callgrind_summary.py CALLGRIND_OUT FUNCTION_SUFFIX...

A function's inclusive count is its own instructions plus those of every
call it makes, summed over all the source files its code was inlined from.
Divided by the number of times the function was called, it gives
instructions per call.
``callgrind_annotate`` lists inlined code per source file, which splits
these totals, so this script reads the file format directly. Only the
first event (``Ir``, instructions executed) is read.
"""

import re
import sys
from collections import defaultdict

NAME = re.compile(r"\((\d+)\)(?: (.*))?")


def read(path):
    names = {}
    own = defaultdict(int)
    called = defaultdict(int)
    calls_into = defaultdict(int)
    current = None
    callee = None
    pending_calls = None

    def resolve(token):
        match = NAME.match(token)
        if not match:
            return token
        number, name = match.groups()
        if name:
            names[number] = name
        return names[number]

    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                current = resolve(line[3:])
            elif line.startswith("cfn="):
                callee = resolve(line[4:])
            elif line.startswith("calls="):
                pending_calls = int(line[6:].split()[0])
            elif line and (line[0].isdigit() or line[0] in "+-*"):
                fields = line.split()
                cost = int(fields[1]) if len(fields) > 1 else 0
                if pending_calls is not None:
                    called[current] += cost
                    calls_into[callee] += pending_calls
                    pending_calls = None
                else:
                    own[current] += cost
    return own, called, calls_into


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    own, called, calls_into = read(sys.argv[1])
    for suffix in sys.argv[2:]:
        matches = [name for name in own if name.endswith(suffix)]
        if len(matches) != 1:
            sys.exit(f"{suffix}: expected one function, found {len(matches)}: {matches[:5]}")
        name = matches[0]
        count = calls_into[name]
        total = own[name] + called[name]
        per_call = total / count if count else float("nan")
        print(f"{suffix}\t{per_call:.0f}\t{count}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Print the ratios of the sign_verify criterion benchmarks against their targets.

Usage: criterion_summary.py [CRITERION_DIR]   (default: target/criterion)

Reads criterion's median estimate of each benchmark of the ``ed25519`` and
``hmac-sha256`` groups, all measured in the same run, and prints reqsig
against the floor and against ``httpsig`` for sign and verify.
"""

import json
import pathlib
import sys

# (group, reqsig/floor target) as set for the project.
GROUPS = (("ed25519", 1.10), ("hmac-sha256", 2.0))


def median_us(directory, group, function):
    path = directory / group / function / "new" / "estimates.json"
    estimates = json.loads(path.read_text())
    return estimates["median"]["point_estimate"] / 1000


def main():
    directory = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    print(
        f"{'':20} {'floor µs':>9} {'reqsig µs':>10} {'httpsig µs':>11} "
        f"{'reqsig/floor':>13} {'httpsig/reqsig':>15}  targets"
    )
    for group, target in GROUPS:
        for operation in ("sign", "verify"):
            try:
                floor, ours, theirs = (
                    median_us(directory, group, f"{who} {operation}") for who in ("floor", "reqsig", "httpsig")
                )
            except (OSError, KeyError, ValueError) as error:
                print(f"{group} {operation}: no estimate ({error}); run the sign_verify bench first")
                continue
            ratio = ours / floor
            faster = theirs / ours
            verdicts = (
                f"reqsig/floor <= {target}: {'met' if ratio <= target else 'not met'}; "
                f"faster than httpsig: {'met' if faster > 1 else 'not met'}"
            )
            print(
                f"{group + ' ' + operation:20} {floor:9.2f} {ours:10.2f} {theirs:11.2f} "
                f"{ratio:13.2f} {faster:15.2f}  {verdicts}"
            )


if __name__ == "__main__":
    main()

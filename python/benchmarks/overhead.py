"""The Python call against the command line on the same attack, in interleaved runs.

    deanon generate --preset netflix-like --users 100000 --seed 3 -o twin.deanon
    deanon release twin.deanon --policy pseudonymize --seed 1 -o rel.deanon --key key.csv
    deanon aux twin.deanon --targets 2000 --items 8 --key key.csv --seed 2 -o aux.csv
    python python/benchmarks/overhead.py target/release/deanon DIR [ROUNDS]

DIR holds rel.deanon, key.csv and aux.csv. Prints the median wall time of the command, of the
same job in Python (open the store, read the key and aux with pandas, attack), and of the
``deanon.attack`` call alone.
"""

import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import pandas as pd

import deanon


def command(binary, d, out):
    started = time.perf_counter()
    subprocess.run(
        [binary, "attack", f"{d}/rel.deanon", "--aux", f"{d}/aux.csv", "--key", f"{d}/key.csv",
         "-o", f"{out}/M.csv", "--summary", f"{out}/s.json", "-q"],
        check=True,
    )
    return time.perf_counter() - started


def python(d):
    started = time.perf_counter()
    release = deanon.Dataset.open(f"{d}/rel.deanon")
    key = pd.read_csv(f"{d}/key.csv", dtype=str)
    aux = pd.read_csv(f"{d}/aux.csv")
    call = time.perf_counter()
    deanon.attack(release, aux, key=key)
    done = time.perf_counter()
    return done - started, done - call


def main():
    binary, d = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    warnings.simplefilter("ignore")
    cli, job, call = [], [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(rounds):
            cli.append(command(binary, d, out))
            j, c = python(d)
            job.append(j)
            call.append(c)
    c, j, a = (statistics.median(x) for x in (cli, job, call))
    print(f"command {c:.3f} s; Python job {j:.3f} s ({j / c:.3f} of the command); "
          f"deanon.attack call {a:.3f} s ({a / c:.3f})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""An attack on a deanon release written outside deanon's code, to check its figures from outside.

For releases that keep items only (no ratings, no dates: `date-drop|rating-drop|truncate:...`)
with attributes beside them. The adversary knows some of a target's items and attributes (a
`deanon aux` file: aux_id,item,...,true_user,<attributes>) and the published policy. A released
record is a candidate when its attributes fit the target's (an exact value, or a generalized
range `lo-hi` holding it) and every item it holds is one the adversary knows (a record cut to a
few items keeps only entries of its person). Each candidate weighs 1 / P(a random record holds
those items); the top candidate is named when its share of the candidates' weight reaches the
threshold. Prints, per threshold, the share of targets named rightly (deanon's `reidentified`)
and the precision.

    deanon release DATA --policy P --seed 1 -o rel.deanon --key key.csv
    deanon export rel.deanon -o rel.csv --people rel-people.csv
    deanon aux DATA --key key.csv --targets 2000 --items 8 --date-error 0 \
        --attributes age,gender -o aux.csv
    python3 tools/outside_attack.py rel.csv rel-people.csv key.csv aux.csv

Python's standard library only. The truth comes from the key and the aux's true_user, read only
to count right names.
"""
import csv
import math
import sys
from collections import defaultdict


def fits(released, known):
    """Whether a released attribute value (exact, or a range lo-hi) fits the known value."""
    if released == known:
        return True
    lo, sep, hi = released.partition("-")
    try:
        return bool(sep) and float(lo) <= float(known) <= float(hi)
    except ValueError:
        return False


def main(release, people, key, aux_file, thresholds=(0.5, 0.9, 0.0)):
    items_of = defaultdict(set)
    with open(release, newline="") as f:
        for row in csv.DictReader(f):
            items_of[row["user"]].add(row["item"])
    with open(people, newline="") as f:
        reader = csv.DictReader(f)
        attributes = [a for a in reader.fieldnames if a != "user"]
        released_attributes = {row["user"]: row for row in reader}
    holders = defaultdict(list)
    for record, items in items_of.items():
        for item in items:
            holders[item].append(record)
    records = len(released_attributes)
    support = {item: len(rs) for item, rs in holders.items()}
    with open(key, newline="") as f:
        released_id = {row["original_id"]: row["released_id"] for row in csv.DictReader(f)}
    aux = {}
    with open(aux_file, newline="") as f:
        for row in csv.DictReader(f):
            entry = aux.setdefault(row["aux_id"], (set(), row))
            entry[0].add(row["item"])
    known_attributes = [a for a in attributes if a in next(iter(aux.values()))[1]]
    for threshold in thresholds:
        named = right = 0
        for known, row in aux.values():
            weight = {}
            for record in {r for item in known for r in holders.get(item, ())}:
                mine = released_attributes[record]
                if all(fits(mine[a], row[a]) for a in known_attributes) and items_of[record] <= known:
                    weight[record] = -sum(math.log(support[i] / records) for i in items_of[record])
            if not weight:
                continue
            top = max(weight.values())
            share = {r: math.exp(w - top) for r, w in weight.items()}
            best = max(share, key=share.get)
            if share[best] / sum(share.values()) >= threshold:
                named += 1
                right += released_id.get(row["true_user"]) == best
        print(
            f"threshold {threshold}: {len(aux)} targets, named {named}, right {right} "
            f"({100 * right / len(aux):.1f}%), precision {right / max(named, 1):.2f}"
        )


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: outside_attack.py RELEASE.csv RELEASE-PEOPLE.csv KEY.csv AUX.csv")
    main(*sys.argv[1:])

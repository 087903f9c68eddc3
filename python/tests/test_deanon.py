"""The Python package against the command line, on the same inputs and seeds.

Needs the command-line binary (``DEANON_BIN``, default ``target/release/deanon`` of this
repository) and the package installed (``pip install ./python``).
"""

import inspect
import json
import os
import re
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import deanon

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("DEANON_BIN", ROOT / "target" / "release" / "deanon"))
POLICY = "pseudonymize|sample:fraction=0.7|date-noise:days=3"


def cli(*args):
    if not BIN.exists():
        raise RuntimeError(f"the deanon binary is missing at {BIN}: build it (cargo build --release)")
    subprocess.run([str(BIN), *map(str, args), "--quiet"], check=True)


def read_csv(path):
    """A CSV written by the command, ids as text, floats read back bit for bit."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def text(v):
    """A value as the command line writes it (floats are compared as numbers, not here)."""
    if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def assert_same_json(value, path):
    """``value`` is the JSON file the command wrote, keys in the same order."""
    want = json.loads(Path(path).read_text())
    assert value == want
    assert json.dumps(value) == json.dumps(want)


def assert_same(df, path):
    """``df`` holds the values of the CSV file the command wrote: text columns as written,
    float columns bit for bit (Python and Rust may print a tie of shortest forms differently)."""
    want = read_csv(path)
    assert list(df.columns) == list(want.columns)
    assert len(df) == len(want)
    for name in df.columns:
        ours = df[name]
        if pd.api.types.is_float_dtype(ours.dtype):
            theirs = np.array([float(x) if x != "" else np.nan for x in want[name]])
            np.testing.assert_array_equal(ours.to_numpy(), theirs, err_msg=name)
        else:
            assert ours.map(text).tolist() == want[name].tolist(), name


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One original data set, its release, key, aux and attack, made by the command line."""
    d = tmp_path_factory.mktemp("cli")
    cli("generate", "--preset", "netflix-like", "--users", 3000, "--seed", 5, "-o", d / "orig.deanon")
    cli("release", d / "orig.deanon", "--policy", POLICY, "--seed", 9, "-o", d / "rel.deanon", "--key", d / "key.csv")
    cli("aux", d / "orig.deanon", "--targets", 300, "--items", 4, "--key", d / "key.csv", "--non-members", 50, "--date-error", 7, "--seed", 11, "-o", d / "aux.csv")
    cli("attack", d / "rel.deanon", "--aux", d / "aux.csv", "--key", d / "key.csv", "-o", d / "MATCHES.csv", "--summary", d / "summary.json")
    return d


def test_release_aux_and_attack_equal_the_command_line(world):
    original = deanon.Dataset.open(world / "orig.deanon")
    released, key = original.release(POLICY, seed=9)
    assert released.fingerprint() == deanon.Dataset.open(world / "rel.deanon").fingerprint()
    # The file's key carries its release's and original's fingerprints after the two columns.
    on_file = read_csv(world / "key.csv")
    assert list(on_file.columns[2:]) == ["release_fingerprint", "original_fingerprint", "key_checksum"]
    pd.testing.assert_frame_equal(key, on_file[["released_id", "original_id"]], check_dtype=False)

    aux = deanon.sample_aux(original, targets=300, items=4, key=key, non_members=50, date_error=7, seed=11)
    assert_same(aux, world / "aux.csv")

    matches, summary = deanon.attack(released, aux, key=key)
    assert_same(matches, world / "MATCHES.csv")
    assert_same_json(summary, world / "summary.json")
    assert 0 < summary["recall"] <= 1 and summary["non_members"] == 50


def test_utility_equals_the_command_line(world, tmp_path):
    cli("release", world / "orig.deanon", "--policy", POLICY, "--seed", 9, "-o", tmp_path / "r.deanon",
        "--key", tmp_path / "k.csv", "--utility", tmp_path / "u.json")
    utility = deanon.Dataset.open(world / "orig.deanon").utility(POLICY, seed=9)
    assert_same_json(utility, tmp_path / "u.json")
    assert 0 < utility["kept_fraction"] < 1


def test_the_aux_file_read_by_pandas_gives_the_same_attack(world):
    released = deanon.Dataset.open(world / "rel.deanon")
    key = pd.read_csv(world / "key.csv", dtype=str)
    aux = pd.read_csv(world / "aux.csv")  # dates as text, ids as integers
    matches, _ = deanon.attack(released, aux, key=key)
    assert_same(matches, world / "MATCHES.csv")


def test_pandas_round_trip_and_the_store_of_the_command_line(world, tmp_path):
    original = deanon.Dataset.open(world / "orig.deanon")
    df = original.to_pandas()
    assert list(df.columns) == ["user", "item", "rating", "date"]
    assert df["user"].dtype == np.int64 and str(df["date"].dtype).startswith("datetime64")
    people = original.people()
    assert people.columns.tolist() == ["user", "age", "gender", "region"]
    # The store declares its catalogue and scale (generate does); the frame declares them again.
    declared = original.info()
    assert declared["catalogue"] and declared["rating_scale"] == "1..5:1"
    again = deanon.Dataset.from_pandas(df, people=people, items=df["item"].unique().tolist(),
                                       rating_scale=declared["rating_scale"])
    assert again.fingerprint() == original.fingerprint()
    assert deanon.Dataset.from_pandas(df).fingerprint() != original.fingerprint(), "people count"
    # The export CSVs, read by pandas, are the same data set too.
    cli("export", world / "orig.deanon", "-o", tmp_path / "export.csv", "--people", tmp_path / "people.csv")
    exported = deanon.Dataset.from_pandas(pd.read_csv(tmp_path / "export.csv"), people=pd.read_csv(tmp_path / "people.csv"))
    assert exported.fingerprint() == original.fingerprint()
    again.save(tmp_path / "again.deanon")
    info = subprocess.run([str(BIN), "info", "--json", str(tmp_path / "again.deanon")], check=True, capture_output=True, text=True).stdout
    (tmp_path / "info.json").write_text(info)
    assert_same_json(original.info(), tmp_path / "info.json")
    assert (again.num_records, again.num_items, again.num_entries) == (original.num_records, original.num_items, original.num_entries)


def test_views_round_trip_keeps_repeated_events():
    views = deanon.generate("views-like", users=300, seed=3)
    df = views.to_pandas()
    assert "rating" not in df.columns and df.duplicated(["user", "item"]).any()
    assert deanon.Dataset.from_pandas(df, kind="views", people=views.people()).fingerprint() == views.fingerprint()
    with pytest.raises(deanon.DeanonError, match=r"data row \d+: user .* rated item .* twice.*first at row \d+"):
        deanon.Dataset.from_pandas(df, kind="ratings")


def test_date_and_id_columns_in_every_form_give_the_same_data():
    base = pd.DataFrame(
        {
            "user": [7, 7, 8, 9],
            "item": ["a", "b", "a", "c"],
            "rating": [4.0, 3.5, np.nan, 1.0],
            "date": pd.to_datetime(["2005-01-02", "2005-01-03", "2006-12-31", None]),
        }
    )
    want = deanon.Dataset.from_pandas(base).fingerprint()
    forms = {
        "datetime64[s]": base["date"].astype("datetime64[s]"),
        "tz-aware": base["date"].dt.tz_localize("Europe/Paris"),
        "date objects": pd.Series([d.date() if pd.notna(d) else None for d in base["date"]], dtype=object),
        "ISO strings": pd.Series(["2005-01-02", "2005-01-03", "2006-12-31", None], dtype=object),
        "string dtype": pd.Series(["2005-01-02", "2005-01-03", "2006-12-31", None], dtype="string"),
        "unix seconds": pd.Series([1104624000, 1104710400 + 3600, 1167523200, np.nan]),
        "unix seconds as text": pd.Series(["1104624000", "1104710400", "1167523200", ""], dtype=object),
    }
    for name, dates in forms.items():
        df = base.assign(date=dates)
        assert deanon.Dataset.from_pandas(df).fingerprint() == want, name
    assert deanon.Dataset.from_pandas(base.assign(user=["7", "7", "8", "9"])).fingerprint() == want
    assert deanon.Dataset.from_pandas(base.assign(user=[7.0, 7.0, 8.0, 9.0])).fingerprint() == want
    assert deanon.Dataset.from_pandas(base.assign(user=pd.Categorical([7, 7, 8, 9]))).fingerprint() == want
    assert deanon.Dataset.from_pandas(base.assign(rating=["4", "3.5", None, "1"])).fingerprint() == want
    nullable = pd.array([4.0, 3.5, None, 1.0], dtype="Float64")
    assert deanon.Dataset.from_pandas(base.assign(rating=nullable)).fingerprint() == want


def test_errors_are_deanon_errors_naming_the_row_or_parameter(world):
    assert issubclass(deanon.DeanonError, ValueError)
    bad = pd.DataFrame({"user": [1, 2, 3], "item": [1, 2, 3], "date": ["2005-01-01", "2005-13-01", "2005-01-03"]})
    with pytest.raises(deanon.DeanonError, match=r"^data row 1: date '2005-13-01' is not a valid YYYY-MM-DD date$"):
        deanon.Dataset.from_pandas(bad)
    with pytest.raises(deanon.DeanonError, match="before 1970-01-01"):
        deanon.Dataset.from_pandas(bad.assign(date=pd.to_datetime(["1969-12-31", "2005-01-01", "2005-01-01"])))
    with pytest.raises(deanon.DeanonError, match="needs the columns user, item; missing item"):
        deanon.Dataset.from_pandas(pd.DataFrame({"user": [1]}))
    with pytest.raises(deanon.DeanonError, match="unknown preset 'netflix'"):
        deanon.generate("netflix")
    released = deanon.Dataset.open(world / "rel.deanon")
    aux = pd.read_csv(world / "aux.csv")
    with pytest.raises(deanon.DeanonError, match="phi must be"):
        deanon.attack(released, aux, phi=-1)
    with pytest.raises(deanon.DeanonError, match=r"^aux row 0: empty item$"):
        deanon.attack(released, aux.assign(item=[None] + list(aux["item"][1:])))
    with pytest.raises(deanon.DeanonError, match="unknown release step 'no-such-step'"):
        released.release("no-such-step", seed=1)
    with pytest.raises(deanon.DeanonError, match="^non_members needs the release key"):
        deanon.sample_aux(deanon.Dataset.open(world / "orig.deanon"), targets=5, items=2, non_members=3)
    with pytest.raises(deanon.DeanonError, match="threads must be at least 1"):
        deanon.sparsity(released, threads=0)
    with pytest.raises(deanon.DeanonError, match="no such file|No such file"):
        deanon.Dataset.open(world / "missing.deanon")


def test_the_native_functions_read_their_keywords_into_one_struct(world):
    # Each engine function takes its parameters as keywords read into one struct (serde): a
    # keyword the struct lacks, or a value of the wrong type, is an error naming the function
    # and the keyword; None is a keyword left out.
    from deanon import _native

    orig = deanon.Dataset.open(world / "orig.deanon")._native
    with pytest.raises(deanon.DeanonError, match="^sample_aux: unknown field `no_such`"):
        _native.sample_aux(orig, targets=5, no_such=1)
    with pytest.raises(deanon.DeanonError, match="^sample_aux: targets: .*integer"):
        _native.sample_aux(orig, targets="five")
    with pytest.raises(deanon.DeanonError, match="^sample_aux: select must be 'uniform' or 'rare:TOP'"):
        _native.sample_aux(orig, select="sometimes")
    with pytest.raises(deanon.DeanonError, match="^unicity: unknown field `up_to`"):
        _native.unicity(orig, up_to=True)
    with pytest.raises(deanon.DeanonError, match="^cohort: unknown field `streaks`"):
        _native.cohort(orig, item="1", streaks=3)
    with pytest.raises(deanon.DeanonError, match="^audit: unknown field `target`"):
        _native.audit(str(world / "orig.deanon"), str(world / "never"), "pseudonymize", target=0.1)
    aux = deanon._aux_columns(pd.read_csv(world / "aux.csv"))
    with pytest.raises(deanon.DeanonError, match="^attack: unknown field `phi`"):
        _native.attack(orig, aux, phi=1.5)
    with pytest.raises(deanon.DeanonError, match="^infer needs the release key"):
        _native.infer(orig, orig, aux, sensitive_attribute="gender")
    # None is left out: the defaults' answer.
    left_out, _ = _native.sample_aux(orig, targets=20, items=None, seed=3)
    default, _ = _native.sample_aux(orig, targets=20, seed=3)
    assert left_out["aux_id"] == default["aux_id"] and left_out["item"] == default["item"]


def test_answers_do_not_depend_on_the_thread_count(world):
    released = deanon.Dataset.open(world / "rel.deanon")
    original = deanon.Dataset.open(world / "orig.deanon")
    key = pd.read_csv(world / "key.csv", dtype=str)
    aux = deanon.sample_aux(original, targets=200, items=3, key=key, seed=4, threads=1)
    pd.testing.assert_frame_equal(aux, deanon.sample_aux(original, targets=200, items=3, key=key, seed=4, threads=3))
    one = deanon.attack(released, aux, key=key, threads=1)
    three = deanon.attack(released, aux, key=key, threads=3)
    pd.testing.assert_frame_equal(one[0], three[0])
    assert one[1] == three[1]
    pd.testing.assert_frame_equal(
        deanon.unicity(original, points=[1, 3], sample=400, threads=1),
        deanon.unicity(original, points=[1, 3], sample=400, threads=2),
    )


def test_unicity_and_sparsity_equal_the_command_line(world, tmp_path):
    original = deanon.Dataset.open(world / "orig.deanon")
    cli("unicity", world / "orig.deanon", "--points", "1,2,4", "--knowledge", "items+days", "--sample", 500, "--seed", 3, "-o", tmp_path / "u.csv")
    pd.testing.assert_frame_equal(deanon.unicity(original, points=[1, 2, 4], knowledge=["items+days"], sample=500, seed=3), deanon._read_csv(tmp_path / "u.csv"))
    cli("sparsity", world / "orig.deanon", "--sample", 300, "--seed", 2, "-o", tmp_path / "s.csv")
    pd.testing.assert_frame_equal(deanon.sparsity(original, sample=300, seed=2), deanon._read_csv(tmp_path / "s.csv"))


def test_the_gil_is_released_during_long_work():
    ds = deanon.generate("netflix-like", users=20000, seed=1)
    ticks = 0
    done = threading.Event()

    def work():
        deanon.unicity(ds, points=[1, 2, 4, 8], knowledge=None, draws=3, threads=1)
        done.set()

    worker = threading.Thread(target=work)
    started = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.perf_counter() - started
    assert elapsed > 0.2, "the call was too short to tell"
    # With the GIL held the loop above could not run while the engine works (a tick or two);
    # released, it ticks hundreds of times a second (20 leaves room for a loaded machine).
    assert ticks > elapsed * 20, (ticks, elapsed)


def test_ctrl_c_stops_a_long_call():
    ds = deanon.generate("netflix-like", users=30000, seed=1)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        deanon.unicity(ds, points=[1, 2, 4, 8, 16], knowledge=None, draws=50)
    stopped = time.perf_counter() - started
    assert stopped < 3.0, stopped
    # The next call runs normally.
    assert len(deanon.unicity(ds, points=[1], knowledge=["items+days"], sample=100)) == 1


def test_experiment_returns_results_csv(tmp_path):
    ds = deanon.generate("netflix-like", users=1500, seed=2)
    ds.save(tmp_path / "twin.deanon")
    config = tmp_path / "tiny.toml"
    config.write_text(
        f"""
name = "tiny"
seed = 1
[data]
path = "twin.deanon"
[aux]
settings = [{{ items = 2, wrong = 0 }}, {{ items = 4, wrong = 0 }}]
targets = 100
[attack]
algorithm = ["scoreboard-rh"]
"""
    )
    results = deanon.experiment(config, output=tmp_path / "out")
    assert len(results) == 2 and sorted(results["items"]) == [2, 4]
    pd.testing.assert_frame_equal(results, deanon._read_csv(tmp_path / "out" / "results.csv"))
    with pytest.warns(DeprecationWarning) as warned:
        again = deanon.experiment(config_path=config, out=tmp_path / "again")
    assert sorted(str(w.message).split(";")[0] for w in warned) == [
        "experiment(): config_path= is now config= (the command line's CONFIG)",
        "experiment(): out= is now output= (the command line's --output)",
    ]
    pd.testing.assert_frame_equal(again, results)


def test_audit_of_a_dataframe(tmp_path):
    ds = deanon.generate("movielens-like", users=400, seed=4)
    df = ds.to_pandas()
    audit = deanon.audit(deanon.Dataset.from_pandas(df), ["pseudonymize|sample:fraction=0.5"], output=tmp_path / "audit", sample=100, draws=1)
    assert "recommended" in audit and audit["target_risk"] == 0.09
    assert (tmp_path / "audit" / "report.html").exists()
    assert stat.S_IMODE((tmp_path / "audit" / "risk.csv").stat().st_mode) == 0o600
    assert "subject" not in json.dumps(audit)


def test_audit_with_sensitive_items_equals_the_command_line(tmp_path):
    ds = deanon.generate("movielens-like", users=400, seed=4)
    ds.save(tmp_path / "d.deanon")
    items = ["1", "2", "3"]
    (tmp_path / "s.txt").write_text("\n".join(items) + "\n")
    cli("audit", tmp_path / "d.deanon", "--policy", "pseudonymize|sample:fraction=0.5", "--sample", 100,
        "--draws", 1, "--sensitive-items", tmp_path / "s.txt", "-o", tmp_path / "cli")
    audit = deanon.audit(deanon.Dataset.open(tmp_path / "d.deanon"), ["pseudonymize|sample:fraction=0.5"],
                         output=tmp_path / "py", sample=100, draws=1, sensitive_items=items)
    assert all(p["inference"]["control_held_out"] == 100 for p in audit["policies"])
    # The command line read the items from a file, which its provenance names; Python gave a list.
    cli_audit = json.loads((tmp_path / "cli" / "audit.json").read_text())
    assert [f["role"] for f in cli_audit["provenance"]["inputs"]] == ["data", "sensitive items"]
    cli_audit["provenance"]["inputs"].pop()
    assert audit == cli_audit


def test_audit_curve_and_assumed_knowledge_equal_the_command_line(tmp_path):
    ds = deanon.generate("movielens-like", users=400, seed=4)
    ds.save(tmp_path / "d.deanon")
    cli("audit", tmp_path / "d.deanon", "--policy", "pseudonymize|sample:fraction=0.5", "--sample", 100,
        "--draws", 1, "--curve", "1,4,all", "--assume-facts", "4", "--curve-tuning", 50, "-o", tmp_path / "cli")
    audit = deanon.audit(deanon.Dataset.open(tmp_path / "d.deanon"), ["pseudonymize|sample:fraction=0.5"],
                         output=tmp_path / "py", sample=100, draws=1, curve=[1, 4, "all"], assume_facts=4,
                         curve_tuning=50)
    assert audit["assumed_facts"] == 4
    assert [c["facts"] for c in audit["policies"][0]["curve"]][:3] == [1, 4, "all"]
    assert_same_json(audit, tmp_path / "cli" / "audit.json")
    with pytest.raises(deanon.DeanonError, match="assume_facts"):
        deanon.audit(ds, ["pseudonymize"], sample=50, curve=[1, 2], assume_facts=8)


def test_audit_of_a_release_made_elsewhere_equals_the_command_line(tmp_path):
    ds = deanon.generate("movielens-like", users=400, seed=4)
    ds.save(tmp_path / "d.deanon")
    cli("release", tmp_path / "d.deanon", "--policy", POLICY, "--seed", 3, "-o", tmp_path / "r.deanon",
        "--key", tmp_path / "k.csv")
    flags = ["--sample", 100, "--draws", 1, "--curve", "2,8", "--tuning", 50]
    cli("audit", tmp_path / "d.deanon", "--released", tmp_path / "r.deanon", "--key", tmp_path / "k.csv",
        "--policy-known", POLICY, *flags, "-o", tmp_path / "cli")
    audit = deanon.audit(deanon.Dataset.open(tmp_path / "d.deanon"), released=tmp_path / "r.deanon",
                         key=tmp_path / "k.csv", policy_known=POLICY, output=tmp_path / "py", sample=100,
                         draws=1, curve=[2, 8], tuning=50)
    assert audit["released"]["file"] == "r.deanon" and audit["released"]["policy"] == "stated"
    assert [p["policy"] for p in audit["policies"]] == ["r.deanon"]
    assert audit["recommended"] is None
    assert_same_json(audit, tmp_path / "cli" / "audit.json")
    # Blind, and from a Dataset in memory: the release is named by the file it was saved to.
    blind = deanon.audit(ds, released=deanon.Dataset.open(tmp_path / "r.deanon"), key=tmp_path / "k.csv",
                         sample=100, draws=1, curve=[2, 8], tuning=50)
    assert blind["released"]["policy"] == "unknown"
    assert all(not a["knows_policy"] for a in blind["policies"][0]["adversaries"])
    with pytest.raises(deanon.DeanonError, match="key"):
        deanon.audit(ds, released=tmp_path / "r.deanon", sample=100)
    with pytest.raises(deanon.DeanonError, match="alone"):
        deanon.audit(ds, ["pseudonymize"], released=tmp_path / "r.deanon", key=tmp_path / "k.csv")
    with pytest.raises(deanon.DeanonError, match="epsilon"):
        deanon.audit(ds, released=tmp_path / "r.deanon", key=tmp_path / "k.csv", epsilon_canaries=500)


def test_cohort_equals_the_command_line(tmp_path):
    views = deanon.generate("views-like", users=20000, seed=0)
    views.save(tmp_path / "views.deanon")
    info = views.info()
    # The seasonal title is the item most people watch in December.
    df = views.to_pandas()
    december = df[(df["date"] >= "2022-12-01") & (df["date"] <= "2022-12-31")]
    busiest = december.groupby("item")["user"].nunique().idxmax()
    cli("cohort", tmp_path / "views.deanon", "--item", busiest, "--times", 3, "--from", "2022-12-01",
        "--to", "2022-12-31", "--epsilon", 1, "--targets", 50, "--draws", 2, "-o", tmp_path / "c.json")
    report = deanon.cohort(views, item=busiest, times=3, from_date=pd.Timestamp("2022-12-01"),
                           to_date="2022-12-31", epsilon=1, targets=50, draws=2)
    assert_same_json(report, tmp_path / "c.json")
    assert report["cohort_size"] > 0 and report["population"] == info["records"] == 20000
    with pytest.raises(deanon.DeanonError, match="item= needs streak= or times="):
        deanon.cohort(views, item=busiest)


def test_informed_attack_and_naive_audit_equal_the_command_line(world, tmp_path):
    released = deanon.Dataset.open(world / "rel.deanon")
    assert released.info()["policy"] == deanon.Dataset.open(world / "orig.deanon").release(POLICY, seed=9)[0].info()["policy"]
    assert deanon.Dataset.open(world / "orig.deanon").info()["policy"] is None
    key = pd.read_csv(world / "key.csv", dtype=str)
    aux = pd.read_csv(world / "aux.csv", dtype=str)
    cli("attack", world / "rel.deanon", "--aux", world / "aux.csv", "--key", world / "key.csv", "--informed",
        "-o", tmp_path / "M.csv", "--summary", tmp_path / "s.json")
    matches, summary = deanon.attack(released, aux, key=key, informed=True)
    assert_same_json(summary, tmp_path / "s.json")
    assert summary["informed"] is True
    assert_same(matches, tmp_path / "M.csv")
    with pytest.raises(deanon.DeanonError, match="informed=True"):
        deanon.attack(deanon.Dataset.open(world / "orig.deanon"), aux, informed=True)

    original = deanon.Dataset.open(world / "orig.deanon")
    cli("audit", world / "orig.deanon", "--policy", POLICY, "--sample", 60, "--draws", 1, "--naive", "-o", tmp_path / "cli")
    naive = deanon.audit(original, [POLICY], sample=60, draws=1, naive=True)
    want = json.loads((tmp_path / "cli" / "audit.json").read_text())
    assert naive["policies"] == want["policies"]
    assert naive["provenance"]["adversaries_know_policy"] is False
    informed = deanon.audit(original, [POLICY], sample=60, draws=1, tuning=50)
    assert all(a["knows_policy"] for p in informed["policies"] for a in p["adversaries"])


PUBLIC_API = ["Dataset", "DeanonError", "attack", "audit", "cohort", "experiment", "generate",
              "infer", "sample_aux", "sparsity", "unicity"]


def test_infer_equals_the_command_line(world, tmp_path):
    items = ["10", "11", "12", "13", "14"]
    (tmp_path / "sensitive.txt").write_text("".join(f"{i}\n" for i in items))
    cli("infer", world / "rel.deanon", "--aux", world / "aux.csv", "--key", world / "key.csv",
        "--original", world / "orig.deanon", "--sensitive-items", tmp_path / "sensitive.txt",
        "-o", tmp_path / "infer.json")
    original = deanon.Dataset.open(world / "orig.deanon")
    released = deanon.Dataset.open(world / "rel.deanon")
    aux = read_csv(world / "aux.csv")
    key = read_csv(world / "key.csv")
    report = deanon.infer(released, original, aux, key, sensitive_items=items)
    assert_same_json(report, tmp_path / "infer.json")
    assert report["members"] == 299 and report["non_members"] == 50  # one target skipped by the sampler
    with pytest.raises(deanon.DeanonError, match="control is undefined"):
        deanon.infer(released, original, aux[aux["true_user"].isin(key["original_id"])], key,
                     sensitive_items=items)
    with pytest.raises(deanon.DeanonError, match="sensitive_items:2: item 'nope' is not in the original data"):
        deanon.infer(released, original, aux, key, sensitive_items=["10", "nope"])


def test_only_the_api_is_public():
    public = [n for n in dir(deanon) if not n.startswith("_")]
    assert sorted(public) == sorted(n for n in deanon.__all__ if not n.startswith("_")) == PUBLIC_API
    assert all(hasattr(deanon, n) for n in deanon.__all__)
    assert deanon.__version__ == deanon._native.__version__


def cli_defaults(command):
    """The ``[default: X]`` of each flag of ``deanon COMMAND --help``, by flag name."""
    out = subprocess.run([str(BIN), command, "--help"], check=True, capture_output=True, text=True).stdout
    found = {}
    starts = list(re.finditer(r"^  (?:-[a-zA-Z], |    )--([a-z0-9-]+)", out, re.M))
    for here, after in zip(starts, starts[1:] + [None]):
        text = out[here.end():after.start() if after else len(out)]
        default = re.search(r"\[default:\s+([^\]]*)\]", text)
        if default:
            found[here.group(1)] = " ".join(default.group(1).split())
    return found


def same_default(value, text):
    if isinstance(value, list):
        return " ".join(map(str, value)) == text
    if isinstance(value, str):
        return value == text
    return float(text) == value


# Python's function, the command, and the flags whose names differ from the parameters'
# (None: no flag).
COMMANDS = {
    "from_pandas": (deanon.Dataset.from_pandas, "import", {}),
    "generate": (deanon.generate, "generate", {}),
    "sample_aux": (deanon.sample_aux, "aux", {}),
    "attack": (deanon.attack, "attack", {}),
    "infer": (deanon.infer, "infer", {}),
    "unicity": (deanon.unicity, "unicity", {}),
    "audit": (deanon.audit, "audit", {}),
    "cohort": (deanon.cohort, "cohort", {}),
    "sparsity": (deanon.sparsity, "sparsity", {}),
    "release": (deanon.Dataset.release, "release", {}),
    "utility": (deanon.Dataset.utility, "release", {}),
}


def test_defaults_are_the_libraries_and_the_command_lines():
    defaults = deanon._native.defaults()
    assert sorted(defaults) == sorted(COMMANDS)
    for table, (function, command, flags) in COMMANDS.items():
        signature = inspect.signature(function)
        helped = cli_defaults(command)
        for name, value in defaults[table].items():
            # Python writes no default of its own: None is the library's.
            assert signature.parameters[name].default is None, (table, name)
            assert f"``{name}={value!r}``" in function.__doc__, (table, name)
            flag = flags.get(name, name.replace("_", "-"))
            if flag is not None:
                assert same_default(value, helped[flag]), (table, name, value, helped.get(flag))
    assert defaults["unicity"]["points"] == [1, 2, 3, 4, 5, 6, 7, 8]
    # Every attack parameter is a keyword argument at the command line's default, documented.
    helped = cli_defaults("attack")
    for name, default, help_, algorithms in deanon._native.attack_parameters():
        assert same_default(default, helped[name.replace("_", "-")]), name
        assert f"``{name}`` (default ``{default!r}``)" in deanon.attack.__doc__
        assert algorithms and help_.split()[0] in deanon.attack.__doc__


def test_left_out_parameters_give_the_command_lines_answers(world, tmp_path):
    original = deanon.Dataset.open(world / "orig.deanon")
    cli("unicity", world / "orig.deanon", "--sample", 300, "-o", tmp_path / "u.csv")
    rows = deanon.unicity(original, sample=300)
    pd.testing.assert_frame_equal(rows, deanon._read_csv(tmp_path / "u.csv"))
    assert sorted(set(rows["points"])) == list(range(1, 9))
    assert set(rows["knowledge"]) == {"items", "items+ratings", "items+days", "items+ratings+days"}
    cli("aux", world / "orig.deanon", "-o", tmp_path / "aux.csv")
    aux = deanon.sample_aux(original)
    assert_same(aux, tmp_path / "aux.csv")
    assert 900 < aux["aux_id"].nunique() <= 1000 and (aux.groupby("aux_id").size() == 8).all()


def test_attack_parameters_are_keyword_arguments(world, tmp_path):
    released = deanon.Dataset.open(world / "rel.deanon")
    key = pd.read_csv(world / "key.csv", dtype=str)
    aux = pd.read_csv(world / "aux.csv")
    cli("attack", world / "rel.deanon", "--aux", world / "aux.csv", "--key", world / "key.csv",
        "--algorithm", "scoreboard-rh-norm", "--rho0", 2.0, "--length-norm", 0.5,
        "-o", tmp_path / "M.csv", "--summary", tmp_path / "s.json")
    matches, summary = deanon.attack(released, aux, key=key, rho0=2.0, length_norm=0.5,
                                     algorithm="scoreboard-rh-norm")
    assert_same(matches, tmp_path / "M.csv")
    assert_same_json(summary, tmp_path / "s.json")
    assert summary["algorithm"] == "scoreboard-rh-norm"
    with pytest.raises(deanon.DeanonError, match="unknown attack parameter 'no_such_knob'"):
        deanon.attack(released, aux, key=key, no_such_knob=1.0)
    with pytest.raises(deanon.DeanonError, match="unknown algorithm 'no-such-algorithm'"):
        deanon.attack(released, aux, key=key, algorithm="no-such-algorithm")
    # A Python int for a real parameter is checked in its domain like a float.
    with pytest.raises(deanon.DeanonError, match="rho0 must be a positive number, got 0"):
        deanon.attack(released, aux, key=key, rho0=0)
    # The likelihood algorithm: its parameters, its posterior column, its range checks.
    cli("attack", world / "rel.deanon", "--aux", world / "aux.csv", "--key", world / "key.csv",
        "--algorithm", "likelihood", "--wrong-rate", 0.2, "--date-scale", 30,
        "-o", tmp_path / "L.csv", "--summary", tmp_path / "l.json")
    matches, summary = deanon.attack(released, aux, key=key, algorithm="likelihood",
                                     wrong_rate=0.2, date_scale=30)
    assert_same(matches, tmp_path / "L.csv")
    assert_same_json(summary, tmp_path / "l.json")
    assert matches["posterior"].between(0, 1).all()
    assert (matches["matched"] == (matches["posterior"] >= 0.5)).all()
    for bad, message in [(dict(wrong_rate=1), r"wrong_rate must be in \[0, 1\), got 1"),
                         (dict(date_scale=0), "date_scale must be a positive number, got 0"),
                         (dict(rating_scale=-1), "rating_scale must be a positive number"),
                         (dict(threshold=1.5), r"threshold must be in \(0, 1\], got 1.5")]:
        with pytest.raises(deanon.DeanonError, match=message):
            deanon.attack(released, aux, key=key, algorithm="likelihood", **bad)


def python_blocks(path):
    """The ```python blocks of a Markdown file, in order."""
    return re.findall(r"^```python\n(.*?)^```$", path.read_text(), flags=re.S | re.M)


def test_the_python_examples_of_the_readme_and_the_docs_run_and_print_what_they_say(capsys):
    for doc in [ROOT / "README.md", ROOT / "docs" / "python.md"]:
        blocks = python_blocks(doc)
        assert blocks, f"{doc} has a python block"
        for block in blocks:
            exec(compile(block, str(doc), "exec"), {})
        printed = capsys.readouterr().out
        # docs/python.md says what its example prints: "prints `...`".
        claim = re.search(r"prints `([^`]*)`", doc.read_text())
        if claim:
            assert claim.group(1) in printed, (doc, printed)
        else:
            assert printed.startswith("re-identified: "), (doc, printed)


def test_people_travel_through_pandas_and_equal_the_command_line(tmp_path):
    ratings = pd.DataFrame({"user": [1, 2, 3], "item": ["a", "a", "b"], "rating": [4.0, 3.0, 5.0]})
    people = pd.DataFrame(
        {"user": [1, 2, 3, 4], "age": [24, 53, np.nan, 24], "gender": ["F", None, "F", "M"]}
    )
    ds = deanon.Dataset.from_pandas(ratings, people=people)
    # Person 4 has attributes and no entries: a record with no entries.
    assert (ds.num_records, ds.num_entries) == (4, 3)
    back = ds.people()
    assert back.columns.tolist() == ["user", "age", "gender"]
    assert back["age"].dtype == "Int64" and back["age"].tolist()[:2] == [24, 53]
    assert pd.isna(back["age"][2]) and back["gender"].tolist()[1] is None
    # The same tables through the command line give the same store.
    ratings.to_csv(tmp_path / "r.csv", index=False)
    people.astype({"age": "Int64"}).to_csv(tmp_path / "p.csv", index=False)
    cli("import", tmp_path / "r.csv", "--format", "csv", "--people", tmp_path / "p.csv", "-o", tmp_path / "r.deanon")
    assert deanon.Dataset.open(tmp_path / "r.deanon").fingerprint() == ds.fingerprint()
    # Unicity of the attributes alone, as the command measures it.
    cli("unicity", tmp_path / "r.deanon", "--attributes", "age,gender", "--points", "0,1", "--knowledge", "items", "-o", tmp_path / "u.csv")
    ours = deanon.unicity(ds, points=[0, 1], knowledge=["items"], attributes=["age", "gender"])
    assert_same(ours, tmp_path / "u.csv")
    assert ours["attributes"].tolist() == ["age+gender", "age+gender"]
    with pytest.raises(deanon.DeanonError, match="row 1"):
        deanon.Dataset.from_pandas(ratings, people=pd.DataFrame({"user": [1, 1], "age": [2, 3]}))
    assert deanon.generate("movielens-like", users=50, seed=1).people().columns.tolist() == ["user", "age", "gender", "region"]


def test_aux_with_attributes_equals_the_command_line(tmp_path):
    cli("generate", "--preset", "movielens-like", "--users", 800, "--seed", 2, "-o", tmp_path / "d.deanon")
    cli("release", tmp_path / "d.deanon", "--policy", "attr-generalize:name=age,width=10", "--seed", 1, "-o", tmp_path / "r.deanon", "--key", tmp_path / "k.csv")
    ds, released = deanon.Dataset.open(tmp_path / "d.deanon"), deanon.Dataset.open(tmp_path / "r.deanon")
    key = pd.read_csv(tmp_path / "k.csv")
    for items, extra in [(0, []), (2, ["--attribute-error", "age=2"])]:
        cli("aux", tmp_path / "d.deanon", "--key", tmp_path / "k.csv", "--targets", 300, "--items", items, "--attributes", "age,gender,region", *extra, "--seed", 3, "-o", tmp_path / "a.csv")
        aux = deanon.sample_aux(ds, targets=300, items=items, key=key, attributes=["age", "gender", "region"], attribute_error={"age": 2} if extra else None, seed=3)
        assert aux.columns.tolist()[-3:] == ["age", "gender", "region"]
        assert_same(aux, tmp_path / "a.csv")
        cli("attack", tmp_path / "r.deanon", "--aux", tmp_path / "a.csv", "--key", tmp_path / "k.csv", "--algorithm", "scoreboard", "-o", tmp_path / "m.csv")
        matches, _ = deanon.attack(released, aux, key=key, algorithm="scoreboard")
        assert_same(matches, tmp_path / "m.csv")
        # The aux file read by pandas carries the same attributes.
        again, _ = deanon.attack(released, pd.read_csv(tmp_path / "a.csv"), key=key, algorithm="scoreboard")
        assert_same(again, tmp_path / "m.csv")
        assert (matches["facts_used"] == items + 3).all()


def test_dp_needs_the_declared_catalogue_and_scale():
    df = pd.DataFrame({"user": [1, 1, 2], "item": [10, 20, 10], "rating": [3.0, 4.0, 5.0]})
    with pytest.raises(deanon.DeanonError, match="--items"):
        deanon.Dataset.from_pandas(df).release("dp:epsilon=1,max_per_record=2")
    ds = deanon.Dataset.from_pandas(df, items=[10, 20, 30], rating_scale="1..5:1")
    assert ds.num_items == 3  # item 30, held by nobody, is in the catalogue
    released, key = ds.release("dp:epsilon=1,max_per_record=2", seed=1)
    assert released.num_records == 2 and len(key) == 2
    with pytest.raises(deanon.DeanonError, match="rating_scale"):
        deanon.Dataset.from_pandas(df, rating_scale="5..1:1")


def cli_arguments(command):
    """The flags (``--name``) and positional arguments (``<NAME>``) of ``deanon COMMAND --help``."""
    out = subprocess.run([str(BIN), command, "--help"], check=True, capture_output=True, text=True).stdout
    flags = {f"--{m}" for m in re.findall(r"^\s+(?:-[a-zA-Z], )?--([a-z0-9-]+)", out, re.M)}
    arguments = out.split("Arguments:")[1].split("Options:")[0] if "Arguments:" in out else ""
    return flags | set(re.findall(r"^\s+(<[A-Z_]+>)", arguments, re.M))


# Each Python function, its command, and the keywords whose flag is not ``--`` + the keyword with
# dashes: the data passed first is the command's positional argument; the rest, each with why.
KEYWORD_FLAGS = [
    (deanon.Dataset.from_pandas, "import", {"df": "<PATH>"}),  # a DataFrame for the CSV file
    (deanon.Dataset.release, "release", {}),
    (deanon.Dataset.utility, "release", {}),
    (deanon.generate, "generate", {}),
    # Python says yes to a kind of fact where the command's flag says no.
    (deanon.sample_aux, "aux", {"ds": "<DATA>", "dates": "--no-dates", "ratings": "--no-ratings"}),
    (deanon.attack, "attack", {"release": "<RELEASE>"}),
    (deanon.infer, "infer", {"release": "<RELEASE>"}),
    (deanon.unicity, "unicity", {"ds": "<DATA>"}),
    (deanon.sparsity, "sparsity", {"ds": "<DATA>"}),
    (deanon.experiment, "experiment", {"config": "<CONFIG>"}),
    # One policy or a list of them, where the command takes --policy once per policy.
    (deanon.audit, "audit", {"ds": "<DATA>", "policies": "--policy"}),
    # `from` is a Python keyword.
    (deanon.cohort, "cohort", {"ds": "<DATA>", "from_date": "--from", "to_date": "--to"}),
]


def test_every_keyword_is_its_commands_flag():
    for function, command, exceptions in KEYWORD_FLAGS:
        known = cli_arguments(command)
        assert "--threads" in known, command
        for name, parameter in inspect.signature(function).parameters.items():
            if name in ("self", "cls") or parameter.kind is inspect.Parameter.VAR_KEYWORD:
                continue
            flag = exceptions.get(name, "--" + name.replace("_", "-"))
            assert flag in known, f"{function.__qualname__}({name}=): no {flag} in `deanon {command} --help`"
        # The exceptions name keywords that exist (a renamed keyword drops its exception).
        assert set(exceptions) <= set(inspect.signature(function).parameters), function.__qualname__
    # attack's and infer's other keywords are the attack parameters, each a flag.
    for name, *_ in deanon._native.attack_parameters():
        assert "--" + name.replace("_", "-") in cli_arguments("attack"), name


def test_the_old_keywords_still_work_with_a_deprecation_warning(world, tmp_path):
    original = deanon.Dataset.open(world / "orig.deanon")
    released = deanon.Dataset.open(world / "rel.deanon")
    aux = pd.read_csv(world / "aux.csv")
    key = pd.read_csv(world / "key.csv", dtype=str)
    with pytest.warns(DeprecationWarning, match=r"resamples= is now bootstrap= \(the command line's --bootstrap\)"):
        deanon.attack(released, aux, key=key, resamples=10)
    with pytest.warns(DeprecationWarning, match="resamples= changes nothing"):
        old = deanon.unicity(original, points=[1], sample=50, resamples=5)
    pd.testing.assert_frame_equal(old, deanon.unicity(original, points=[1], sample=50))
    settings = dict(sample=40, draws=1, curve=[1], assume_facts=1, tuning=20, curve_tuning=20, epsilon_canaries=0)
    with pytest.warns(DeprecationWarning) as warned:
        old = deanon.audit(original, "sample:fraction=0.5", target=0.2, out=tmp_path / "old", **settings)
    assert sorted(str(w.message) for w in warned) == [
        "audit(): out= is now output= (the command line's --output); out= will stop working in the next release",
        "audit(): target= is now target_risk= (the command line's --target-risk); target= will stop working in the next release",
    ]
    assert all(w.filename == __file__ for w in warned), "the warning points at the caller"
    new = deanon.audit(original, "sample:fraction=0.5", target_risk=0.2, output=tmp_path / "new", **settings)
    assert old["target_risk"] == new["target_risk"] == 0.2
    assert old["policies"] == new["policies"]
    with pytest.raises(TypeError, match="target= is the old name of target_risk="):
        deanon.audit(original, "pseudonymize", target=0.1, target_risk=0.2)


def test_one_policy_string_or_file_is_taken_wherever_policies_are(tmp_path):
    ds = deanon.generate("movielens-like", users=300, seed=3)
    settings = dict(sample=40, draws=1, curve=[1], assume_facts=1, tuning=20, curve_tuning=20, epsilon_canaries=0)
    # Not a list of one-letter policies ("unknown release step 'd'"): one policy.
    one = deanon.audit(ds, "date-coarsen:to=year", **settings)
    assert [p["policy"] for p in one["policies"]] == ["pseudonymize", "date-coarsen:to=year"]
    assert one == deanon.audit(ds, ["date-coarsen:to=year"], **settings) | {"provenance": one["provenance"]}
    # A policy file, as a path or as text, alone or in a list, recorded by its steps.
    example = ROOT / "experiments" / "policy-example.toml"
    spec = "sample:fraction=0.5|date-coarsen:to=month|rating-noise:scale=1,dist=uniform|rare-items:min_support=5"
    for policies in [example, str(example), [example], ("date-drop", example)]:
        audited = deanon.audit(ds, policies, **settings)
        assert spec in [p["policy"] for p in audited["policies"]], policies
    released, key = ds.release(example, seed=2)
    assert released.info()["policy"] == spec
    assert released.fingerprint() == ds.release(spec, seed=2)[0].fingerprint()
    assert ds.utility(example, seed=2) == ds.utility(spec, seed=2)
    with pytest.raises(TypeError, match="a policy is a spec or the path of a .toml file"):
        deanon.audit(ds, [0.5], **settings)


def test_errors_name_what_the_caller_gave_never_a_temporary_store_nor_debug_output():
    ds = deanon.generate("movielens-like", users=300, seed=3)
    released, _ = ds.release("sample:fraction=0.5", seed=1)
    with pytest.raises(deanon.DeanonError) as error:
        deanon.audit(released, "pseudonymize", sample=20)
    message = str(error.value)
    assert message.startswith("ds (the Dataset given, in memory): is a release"), message
    assert "deanon-audit-" not in message and "data.deanon" not in message, message
    with pytest.raises(deanon.DeanonError) as error:
        ds.release("date-coarsen:to=decade", seed=1)
    assert str(error.value) == (
        "invalid argument: step 'date-coarsen' needs to=week, to=month or to=year, got to=decade"
    )
    with pytest.raises(deanon.DeanonError, match=r"got to=decade$") as error:
        deanon.audit(ds, "date-coarsen:to=decade", sample=20)
    assert "Some(" not in str(error.value)

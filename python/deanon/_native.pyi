"""Type stubs of the extension module ``deanon._native`` (the engine; see ``deanon``)."""

from os import PathLike
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

Column = Tuple[str, Any]
Pairs = Tuple[List[str], List[str]]
Path_ = Union[str, "PathLike[str]"]

__version__: str

class DeanonError(ValueError): ...

class NativeDataset:
    @property
    def num_records(self) -> int: ...
    @property
    def num_items(self) -> int: ...
    @property
    def num_entries(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def path(self) -> Optional[Path_]: ...
    def save(self, path: Path_) -> None: ...
    def info(self) -> Dict[str, Any]: ...
    def people(self) -> Optional[Dict[str, Any]]: ...
    def columns(self) -> Dict[str, Any]: ...
    def release(
        self, policy: str, seed: Optional[int] = None, threads: Optional[int] = None
    ) -> Tuple[NativeDataset, Pairs]: ...
    def utility(
        self, policy: str, seed: Optional[int] = None, threads: Optional[int] = None
    ) -> Dict[str, Any]: ...
    def fingerprint(self) -> str: ...

def from_columns(
    kind: Optional[str],
    columns: Dict[str, Optional[Column]],
    threads: Optional[int] = None,
    *,
    people: Optional[Tuple[List[str], List[str], List[List[Optional[str]]]]] = None,
    items: Optional[List[str]] = None,
    rating_scale: Optional[str] = None,
) -> NativeDataset: ...
def open(path: Path_) -> NativeDataset: ...
def generate(
    preset: str,
    users: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> NativeDataset: ...
def sample_aux(
    data: NativeDataset,
    key: Optional[Pairs] = None,
    threads: Optional[int] = None,
    *,
    targets: Optional[int] = None,
    items: Optional[int] = None,
    wrong: Optional[int] = None,
    rating_error: Optional[float] = None,
    date_error: Optional[int] = None,
    dates: bool = True,
    ratings: bool = True,
    select: Optional[str] = None,
    non_members: Optional[int] = None,
    count_error: Optional[float] = None,
    seed: Optional[int] = None,
    attributes: Optional[List[str]] = None,
    attribute_error: Optional[List[Tuple[str, int]]] = None,
) -> Tuple[Dict[str, Any], int]: ...
def attack(
    release: NativeDataset,
    aux: Dict[str, Any],
    parameters: Optional[Dict[str, float]] = None,
    threads: Optional[int] = None,
    *,
    key: Optional[Pairs] = None,
    item_map: Optional[Pairs] = None,
    algorithm: Optional[str] = None,
    bootstrap: Optional[int] = None,
    informed: bool = False,
) -> Tuple[Dict[str, Any], Dict[str, Any], List[str]]: ...
def infer(
    release: NativeDataset,
    original: NativeDataset,
    aux: Dict[str, Any],
    parameters: Optional[Dict[str, float]] = None,
    threads: Optional[int] = None,
    *,
    key: Pairs,
    sensitive_items: Optional[List[str]] = None,
    sensitive_attribute: Optional[str] = None,
    algorithm: Optional[str] = None,
    bootstrap: Optional[int] = None,
    informed: bool = False,
) -> Tuple[Dict[str, Any], List[str]]: ...
def attack_parameters() -> List[Tuple[str, Union[int, float], str, List[str]]]: ...
def defaults() -> Dict[str, Dict[str, Any]]: ...
def unicity(
    data: NativeDataset,
    threads: Optional[int] = None,
    *,
    points: Optional[List[int]] = None,
    knowledge: Optional[List[str]] = None,
    date_tol: Optional[int] = None,
    sample: Optional[int] = None,
    draws: Optional[int] = None,
    seed: Optional[int] = None,
    attributes: Optional[List[str]] = None,
) -> Dict[str, Any]: ...
def sparsity(
    data: NativeDataset, sample: Optional[int] = None, seed: Optional[int] = None, threads: Optional[int] = None
) -> Dict[str, Any]: ...
def experiment(
    config: Path_,
    out: Path_,
    resume: bool = False,
    data: Optional[Path_] = None,
    threads: Optional[int] = None,
) -> str: ...
def audit(
    data: Path_,
    out: Path_,
    policies: Union[Path_, List[Path_]],
    threads: Optional[int] = None,
    *,
    adversaries: Optional[str] = None,
    target_risk: Optional[float] = None,
    sample: Optional[int] = None,
    draws: Optional[int] = None,
    everyone: bool = False,
    resume: bool = False,
    seed: Optional[int] = None,
    naive: bool = False,
    tuning: Optional[int] = None,
    sensitive_items: Optional[List[str]] = None,
    sensitive_attribute: Optional[str] = None,
    target_inference_risk: Optional[float] = None,
    curve: Optional[str] = None,
    assume_facts: Optional[str] = None,
    curve_tuning: Optional[int] = None,
    epsilon_canaries: Optional[int] = None,
    data_name: Optional[str] = None,
    released: Optional[str] = None,
    key: Optional[str] = None,
    policy_known: Optional[str] = None,
) -> Dict[str, Any]: ...
def cohort(
    data: NativeDataset,
    threads: Optional[int] = None,
    *,
    item: Optional[str] = None,
    streak: Optional[int] = None,
    times: Optional[int] = None,
    any_of: Optional[List[str]] = None,
    at_least: Optional[int] = None,
    from_date: Optional[str] = None,
    to_date: Optional[str] = None,
    min_cell: Optional[int] = None,
    epsilon: Optional[float] = None,
    facts: Optional[int] = None,
    date_error: Optional[int] = None,
    targets: Optional[int] = None,
    draws: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]: ...

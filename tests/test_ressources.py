"""Resources of a PIAR: hire date and share of time outside the program."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from plan_ouvert.source.model import Ressource


def test_ressource_accepts_embauche_and_hors_programme() -> None:
    r = Ressource.model_validate({"id": "r1", "role": "Conseillère", "embauche": "automne 2021", "hors_programme": 20})
    assert r.embauche == "automne 2021"
    assert r.hors_programme == 20


@pytest.mark.parametrize("value", [-1, 101, float("nan"), float("inf")])
def test_ressource_rejects_out_of_range_hors_programme(value: float) -> None:
    with pytest.raises(ValidationError):
        Ressource.model_validate({"id": "r1", "role": "Conseillère", "hors_programme": value})

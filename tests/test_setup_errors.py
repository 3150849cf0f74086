"""A missing model is reported with the command that installs it, before any work is done."""

from __future__ import annotations

import importlib.util

import pytest

from keikaku.errors import SetupError
from keikaku.extract import analyse


def test_missing_ginza_model_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(analyse.importlib.util, "find_spec", lambda name: None if name == "ja_ginza" else real(name))
    with pytest.raises(SetupError) as err:
        analyse.check_mode("full")
    assert "ja_ginza" in str(err.value) and "pip install -e ." in str(err.value) and "--nlp none" in str(err.value)
    analyse.check_mode("fast")  # Sudachi alone is still there

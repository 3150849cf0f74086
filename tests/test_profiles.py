"""Profiles are data: shipped ones load; broken ones fail with the file and the rule named."""

from __future__ import annotations

from pathlib import Path

import pytest

from keikaku.errors import ProfileError
from keikaku.segment.profile import builtin_profiles, get_profile, load_profile_file

MINIMAL = """
name = "mine"
[[levels]]
name = "目標"
kind = "goal"
rank = 1
pattern = '^目標(?P<num>\\d+)\\s*(?P<title>.*)$'
code = "目標{num}"
"""


def test_shipped_profiles_load() -> None:
    profiles = builtin_profiles()
    assert {"generic", "nishitokyo_kihonkoso", "nishitokyo_kihonkeikaku", "nishitokyo_senryaku",
            "kodaira_kihonkoso", "kiyose_chokikeikaku"} <= set(profiles)
    assert not profiles["generic"].detect  # the fallback is always a candidate
    assert all(p.detect for n, p in profiles.items() if n != "generic")


def test_user_profile_file(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(MINIMAL, encoding="utf-8")
    profile = get_profile(str(f))
    assert profile.name == "mine" and profile.level("目標").rank == 1


@pytest.mark.parametrize("change, rule, problem", [
    (("'^目標(?P<num>", "'^目標(?P<num"), "levels[0] (目標).pattern", "invalid regular expression"),
    (('kind = "goal"', 'kind = "ゴール"'), "levels[0] (目標).kind", "unknown kind"),
    (('rank = 1', 'rank = "1"'), "levels[0] (目標).rank", "integer"),
    (('code = "目標{num}"', 'code = "目標{number}"'), "levels[0] (目標).code", "group"),
    (("(?P<title>", "(?P<titel>"), "levels[0] (目標).pattern", "unknown named group"),
    (('rank = 1', 'rank = 1\nrnak = 2'), "levels[0] (目標)", "unknown key(s) rnak"),
    (('name = "mine"', 'name = "mine"\n[[tables]]\nname = "t"\nheader = "x"\nmode = "refs"\nnode_level = "無い"\n'
      'ref_pattern = "x"'), "tables[0] (t).node_level", "no level named"),
    (('name = "mine"', 'name = "mine'), "file", "not valid TOML"),
    (('name = "mine"', 'name = "mine"\n[contents]\ntiteld = 3.0\n'), "contents", "unknown key(s) titeld"),
    (('name = "mine"', 'name = "mine"\n[contents]\ntitled = "3"\n'), "contents.titled", "integer or float"),
    (('name = "mine"', 'name = "mine"\n[confidence]\nlone = true\n'), "confidence.lone", "integer or float"),
    (('name = "mine"', 'name = "mine"\ncontents_leaves = ["(はじめに"]\n'), "contents_leaves[0]",
     "invalid regular expression"),
    (('name = "mine"', 'name = "mine"\npart_names = ["^.*編$", "[編"]\n'), "part_names[1]",
     "invalid regular expression"),
])
def test_broken_profile_names_file_and_rule(tmp_path: Path, change: tuple[str, str], rule: str, problem: str) -> None:
    f = tmp_path / "broken.toml"
    assert change[0] in MINIMAL
    f.write_text(MINIMAL.replace(*change, 1), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile_file(f)
    assert str(f) in str(err.value) and rule in str(err.value) and problem in str(err.value)


def test_unknown_profile_name() -> None:
    with pytest.raises(ProfileError, match="keikaku profiles"):
        get_profile("no_such_profile")


def test_the_weights_of_the_contents_reading_are_data() -> None:
    """generic.toml's [contents] and [confidence] tables are the weights the code uses (the
    defaults of the dataclasses are the same numbers, so a profile without them reads alike)."""
    from keikaku.segment.profile import ConfidenceWeights, ContentsWeights
    generic = builtin_profiles()["generic"]
    assert generic.contents == ContentsWeights() and generic.confidence == ConfidenceWeights()
    assert generic.contents_leaves and generic.contents_leaves[0].match("はじめに")
    assert not generic.contents_leaves[0].match("基本構想")
    assert generic.part_names and generic.part_names[0].match("基本計画編")
    assert not generic.part_names[0].match("第1編")


def test_a_profile_of_its_own_weights_reads_lists_with_them(tmp_path: Path) -> None:
    from keikaku.segment.vocabulary import vocabulary
    f = tmp_path / "mine.toml"
    f.write_text(MINIMAL + "\n[contents]\ntitled = 5.0\n", encoding="utf-8")
    mine = vocabulary(load_profile_file(f))
    assert mine.contents_weights.titled == 5.0 and mine.contents_weights.noise == -1.5  # the rest at the defaults
    assert vocabulary(load_profile_file(tmp_path / "mine.toml")).confidence_weights == builtin_profiles()["generic"].confidence


def test_the_choice_score_is_one_formula() -> None:
    from keikaku.segment.choice import Explained

    found = Explained(headings=2, titles=1, entries=3, sections=1, bullets=4, tables=1)
    assert found.score() == 3 * 2 + 1 + 3 + 2 * 1 + 4 + 5 * 1
    assert Explained().score() == 0


@pytest.mark.parametrize("city_headings, chosen", [(8, "kodaira_kihonkoso"), (7, "generic")])
def test_a_city_profile_wins_at_its_share_of_inference(city_headings: int, chosen: str) -> None:
    from keikaku.segment.choice import CITY_SHARE, Explained, choose

    profiles = builtin_profiles()
    found = {"generic": Explained(headings=10), "kodaira_kihonkoso": Explained(headings=city_headings)}
    choice = choose(found, profiles)
    assert choice.name == chosen and choice.path == profiles[chosen].source
    assert choice.scores == {"generic": 30.0, "kodaira_kihonkoso": 3.0 * city_headings}
    assert (choice.scores["kodaira_kihonkoso"] >= CITY_SHARE * 30.0) == (chosen != "generic")
    assert choice.reason.startswith("auto: outline inferred" if chosen == "generic" else "auto: its detect patterns")
    loser = "kodaira_kihonkoso" if chosen == "generic" else "generic"
    assert f"{loser} {choice.scores[loser]:g}" in choice.reason  # the other candidate's score is named


def test_a_city_profile_is_a_candidate_only_when_all_its_detect_patterns_match() -> None:
    from keikaku.ingest.text import ingest_bytes
    from keikaku.segment.choice import detected

    profile = builtin_profiles()["kodaira_kihonkoso"]
    both = ingest_bytes("方針 1\n基本目標 I まち\n".encode(), "a.txt").lines
    one = ingest_bytes("方針 1\n本文です。\n".encode(), "b.txt").lines
    assert detected(profile, both) and not detected(profile, one)
    assert not detected(builtin_profiles()["generic"], both)  # no detect patterns: never a city candidate

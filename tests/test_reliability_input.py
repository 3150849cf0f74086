"""What keikaku reads: one document per file however it is named, only regular files up to a size
limit, any file name, any depth of folders, the Japanese encodings with the same tolerance for a few
bad bytes, and never its own output.  Each case runs as a user runs it (a subprocess with a timeout:
a hang fails the test) on real files: a FIFO, a link to /dev/zero, a Shift_JIS file name, 1,100
nested folders, CP932 plans with damage."""

from __future__ import annotations

import csv
import difflib
import functools
import io
import os
import subprocess
from pathlib import Path

import conftest
import pytest
from conftest import RAW, manifest

import keikaku
from keikaku.errors import InputError, KeikakuError
from keikaku.ingest import ingest
from keikaku.ingest.text import ingest_bytes

SMALL = (RAW / "kiyose_4th_chokikeikaku_summary.txt").read_text(encoding="utf-8")

# A plan written for these tests (45 lines, the style of a plan's summary edition: ◆ goals with long
# lines, ○ measures after a tab).  Its CP932 bytes decode cleanly, yet the detector used before
# refused them ("cannot detect the text encoding").
PLAN = """みどり市第2次総合計画 実行計画の概要

◆計画の目的
この計画は、市の将来像を実現するために、分野ごとにまちづくりの目標を定め、それぞれに対応した施策を計画的に実行するためのものです。計画の全文は、市役所の情報公開コーナー、各図書館、市ホームページでご覧になれます。また、冊子版は、企画政策課（本庁舎3階）にて1冊800円で販売しています。

◆計画の期間
令和7年度から令和11年度までの5年間とし、社会情勢の変化に応じて、必要な見直しを行います。

安心して暮らし続けられるまち

災害に強く、誰もが安全に、安心して暮らし続けることができるよう、地域と行政が力を合わせて備えを進めるまちを目指します。

まちづくりの目標\t施策
◆災害に強いまち 大規模な地震や風水害に備え、自主防災組織の育成や避難所の環境整備を進め、地域全体の防災力を高めます\t○防災体制の充実・強化 ○避難所運営の支援 ○災害時要配慮者の支援
◆犯罪や事故のないまち 地域の見守り活動や防犯カメラの設置を進め、通学路の安全点検を毎年行うなど、犯罪と交通事故の防止に取り組みます\t○防犯活動の支援 ○交通安全教育の推進 ○消費生活相談の充実
◆支え合いのあるまち 誰もが住み慣れた地域で、ともに支え合って暮らせるよう、地域の福祉活動を支援し、相談体制を充実させます\t○地域福祉活動の支援 ○総合相談窓口の運営

子どもが健やかに育つまち

次の時代を担う子どもたちが、安心して健やかに育つことができる環境づくりを進め、学ぶ力と豊かな心を育むまちを目指します。

まちづくりの目標\t施策
◆子育てを応援するまち 働きながら子育てができるよう、保育所の定員を拡大し、待機児童の解消と子育て世代の相談体制の充実に取り組みます\t○保育サービスの拡充 ○子育て相談の充実 ○ひとり親家庭の支援
◆学ぶ力を育むまち 一人一台の端末を活用した授業や少人数指導を進め、子どもたちが自ら考え、判断し、表現できる力を育てます\t○ICT教育の推進 ○少人数指導の充実 ○不登校児童生徒への支援
◆若者が夢を持てるまち 青少年や若者が、自分自身を大切にし、希望を持って社会生活を送れるよう、居場所づくりと就労の支援に取り組みます\t○青少年の健全育成 ○若者の就労支援

緑と調和した活力あるまち

豊かな緑と水辺を守りながら、都市基盤を整備し、地域の産業を育てることで、やすらぎと活気をあわせ持つまちを目指します。

まちづくりの目標\t施策
◆環境にやさしいまち 公共施設への太陽光発電設備の設置や省エネルギー機器の導入を進め、市域の温室効果ガスの排出量を減らします\t○再生可能エネルギーの導入 ○ごみの減量と資源化の推進
◆緑を大切にするまち 雑木林や農地などの身近な緑を保全し、老朽化した公園の遊具を更新して、誰もが使いやすい公園にします\t○緑地の保全 ○公園の再整備 ○都市農業の振興
◆にぎわいのあるまち 駅周辺の商店街の魅力を高め、創業を支援することで、地域の経済を活性化し、働く場を増やします\t○商店街の活性化 ○創業の支援 ○観光の振興

計画の推進

◆進行管理
毎年度、施策の進み具合を評価し、その結果を市ホームページで公表します。
◆市民との協働
市民会議を年2回開催し、いただいた意見を施策に反映します。
◆財政運営
限られた財源を効果的に配分し、将来にわたって健全な財政運営を続けます。

※この概要版に掲載している数値は、令和6年3月末現在のものです。
"""


keikaku_cli = functools.partial(conftest.keikaku_cli, errors="backslashreplace")  # names that are not UTF-8


def nodes_csv(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "nodes.csv").read_bytes().decode("utf-8-sig"))))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("error:", ""), result.stderr


# -- 3: one input, one document, however it is spelled ----------------------------------------------------
def test_the_same_file_reached_by_several_paths_is_one_document(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_text(SMALL, encoding="utf-8")
    (plans / "b.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "link").symlink_to(plans, target_is_directory=True)
    (tmp_path / "hard.txt").hardlink_to(plans / "b.txt")
    once = tmp_path / "once"
    assert keikaku_cli("run", str(plans), "--out", str(once), "--nlp", "none").returncode == 0
    out = tmp_path / "out"
    result = keikaku_cli("run", "plans", "link", "plans/a.txt", "./plans/a.txt", str(plans / "a.txt"),
                         "plans/../plans/b.txt", "hard.txt", "--out", str(out), "--nlp", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    no_traceback(result)
    documents = manifest(out)["documents"]
    assert sorted(e["doc_id"] for e in documents) == ["a", "b"]
    assert "2 document(s):" in result.stderr  # documents, not arguments
    assert sorted(r["doc_id"] for r in nodes_csv(out)) == sorted(r["doc_id"] for r in nodes_csv(once))
    skipped = {s["path"]: s["reason"] for s in manifest(out)["skipped"]}
    assert "same folder as plans" in skipped["link"] and "same file as plans/b.txt" in skipped["hard.txt"]
    again = keikaku_cli("run", "link", "plans", "--out", str(out), "--nlp", "none", cwd=tmp_path)
    assert "2 document(s)" in again.stderr and "2 unchanged" in again.stderr, again.stderr


# -- 7: any file name ------------------------------------------------------------------------------------
def test_file_names_that_are_not_utf8_are_processed_under_an_escaped_name(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "good.txt").write_text(SMALL, encoding="utf-8")
    folder = os.fsencode(plans)
    sjis = "計画".encode("cp932")  # b"\x8cv\x89\xe6": a name from a ZIP made on Windows
    with open(folder + b"/" + sjis + b".txt", "wb") as fh:
        fh.write(PLAN.encode("utf-8"))
    with open(folder + b"/" + sjis + b".xlsx", "wb") as fh:
        fh.write(b"PK\x03\x04")
    os.mkdir(folder + b"/" + "資料".encode("cp932"))
    with open(folder + b"/" + "資料".encode("cp932") + b"/" + b"\xff.txt", "wb") as fh:
        fh.write(SMALL.encode("utf-8"))
    out = tmp_path / "out"
    result = keikaku_cli("run", str(plans), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0, result.stderr
    no_traceback(result)
    entries = manifest(out)["documents"]
    sources = sorted(e["source"] for e in entries)
    assert sources == sorted([str(plans / "good.txt"), str(plans) + "/\\x8cv\\x89\\xe6.txt",
                              str(plans) + "/\\x8e\\x91\\x97\\xbf/\\xff.txt"])
    assert all(e["status"] == "ok" for e in entries)
    assert any("not valid UTF-8" in (e.get("doc_id_note") or "") for e in entries)
    assert [s["path"] for s in manifest(out)["skipped"]] == [str(plans) + "/\\x8cv\\x89\\xe6.xlsx"]
    assert {r["doc_id"] for r in nodes_csv(out)} == {e["doc_id"] for e in entries}
    again = keikaku_cli("run", str(plans), "--out", str(out), "--nlp", "none")
    assert "3 unchanged" in again.stderr, again.stderr  # resume recognises them
    # given by name, and to inspect
    named = keikaku_cli("inspect", os.fsdecode(folder + b"/" + sjis + b".txt"), "--counts")
    assert named.returncode == 0 and "Traceback" not in named.stderr, named.stderr


# -- 8: only regular files, up to a size limit ------------------------------------------------------------
@pytest.fixture
def odd_files(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "good.txt").write_text(SMALL, encoding="utf-8")
    os.mkfifo(plans / "fifo.txt")
    (plans / "zero.txt").symlink_to("/dev/zero")
    return plans


def test_a_fifo_or_a_device_in_a_folder_is_skipped_never_read(odd_files: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = keikaku_cli("run", str(odd_files), "--out", str(out), "--nlp", "none", timeout=60)
    assert result.returncode == 0, result.stderr
    no_traceback(result)
    assert [e["doc_id"] for e in manifest(out)["documents"]] == ["good"]
    skipped = {s["path"]: s["reason"] for s in manifest(out)["skipped"]}
    assert "named pipe" in skipped[str(odd_files / "fifo.txt")]
    assert "device" in skipped[str(odd_files / "zero.txt")]
    for name in ("fifo.txt", "zero.txt"):  # one line each, naming the file
        assert len([line for line in result.stderr.splitlines() if name in line]) == 1


def test_a_fifo_or_a_device_given_by_name_fails_alone(odd_files: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = keikaku_cli("run", str(odd_files / "fifo.txt"), str(odd_files / "zero.txt"), str(odd_files / "good.txt"),
                         "--out", str(out), "--nlp", "none", timeout=60)
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and all("not a regular file" in line for line in errors), errors
    assert {e["doc_id"]: e["status"] for e in manifest(out)["documents"]} == {
        "fifo": "failed", "zero": "failed", "good": "ok"}
    for target in ("fifo.txt", "zero.txt"):
        inspected = keikaku_cli("inspect", str(odd_files / target), timeout=60)
        assert inspected.returncode == 1 and inspected.stderr.count("\n") == 1, inspected.stderr
        assert "not a regular file" in inspected.stderr and target in inspected.stderr


def test_the_size_limit_is_an_option(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "good.txt").write_text(SMALL, encoding="utf-8")
    (plans / "big.txt").write_text(SMALL * (1_100_000 // len(SMALL.encode()) + 1), encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku_cli("run", str(plans), "--out", str(out), "--nlp", "none", "--max-size", "1")
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "big.txt" in errors[0] and "--max-size" in errors[0], errors
    assert {e["doc_id"]: e["status"] for e in manifest(out)["documents"]} == {"big": "failed", "good": "ok"}
    assert keikaku_cli("run", str(plans), "--out", str(out), "--nlp", "none").returncode == 0  # default: 200 MB
    for wrong in ("0", "-1", "nan", "inf"):
        bad = keikaku_cli("run", str(plans), "--out", str(out), "--max-size", wrong)
        assert bad.returncode == 2 and "--max-size" in bad.stderr and "Traceback" not in bad.stderr
    assert keikaku_cli("run", str(plans), "--out", str(out), "--nlp", "none", "--max-size", "1e300").returncode == 0


def _nest(top: Path, depth: int, name: str, data: bytes) -> None:
    """``depth`` folders ``d`` inside ``top``, made relative to a descriptor (the whole path may be
    longer than the system allows), with one file at the bottom."""
    here = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=here)
            deeper = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = deeper
        fd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=here)
        os.write(fd, data)
        os.close(fd)
    finally:
        os.close(here)


def _unnest(top: Path) -> None:
    """Remove the folders ``d/d/d/…`` under ``top`` from the top down, one level at a time (a
    recursive removal, pytest's own included, fails on them)."""
    while (top / "d").is_dir():
        os.rename(top / "d", top / "x")
        for name in os.listdir(top / "x"):
            if name == "d":
                os.rename(top / "x" / "d", top / "d")
            else:
                os.unlink(top / "x" / name)
        os.rmdir(top / "x")


# -- 9: any depth ----------------------------------------------------------------------------------------
def test_folders_nested_1100_deep(tmp_path: Path) -> None:
    top = tmp_path / "plans"
    top.mkdir()
    (top / "top.txt").write_text(SMALL, encoding="utf-8")
    _nest(top, 1100, "deep.txt", PLAN.encode())
    out = tmp_path / "out"
    try:
        result = keikaku_cli("run", "plans", "--out", str(out), "--nlp", "none", cwd=tmp_path)
    finally:
        _unnest(top)
    assert result.returncode == 0, result.stderr[-2000:]
    no_traceback(result)
    assert sorted(e["doc_id"] for e in manifest(out)["documents"]) == ["deep", "top"]


# -- 10: the API says what to do instead ---------------------------------------------------------------
@pytest.mark.parametrize("kwargs, hint", [
    ({"text": "基本目標1 安全なまち\n本文です。".encode()}, r"text= takes a str.*decode"),
    ({"text": "基本目標1 安全な\ud800まち\n本文です。"}, r"surrogate.*U\+D800.*line 1"),
    ({"path": b"raw/plan.txt"}, r"os\.fsdecode"),
    ({"path": 12}, r"a str or a Path"),
])
def test_parse_with_the_wrong_kind_of_argument_says_what_to_do(kwargs: dict, hint: str) -> None:
    with pytest.raises(KeikakuError, match=hint):
        keikaku.parse(nlp="none", **kwargs)


# -- 12: the Japanese encodings, with the same tolerance ------------------------------------------------
def test_a_valid_cp932_plan_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes(PLAN.encode("cp932"))
    source = ingest(path)
    assert source.encoding == "cp932" and not source.warnings
    assert "\n".join(line.text for line in source.lines) + "\n" == PLAN
    out = tmp_path / "out"
    result = keikaku_cli("run", str(path), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0, result.stderr
    assert manifest(out)["documents"][0]["encoding"] == "cp932"


def _damaged(encoding: str, how: str) -> bytes:
    data = PLAN.encode(encoding)
    middle = data.index("市民会議".encode(encoding))
    if how == "bad byte":
        return data[:middle] + b"\xff" + data[middle:]
    if how == "broken pair":
        return data[:middle] + data[middle:middle + 1] + b"\x20" + data[middle + 2:]
    return data.rstrip(b"\n")[:-1]  # cut in the middle of the last character


@pytest.mark.parametrize("encoding, name", [("cp932", "cp932"), ("euc_jp", "euc-jp")])
@pytest.mark.parametrize("how", ["bad byte", "broken pair", "cut"])
def test_a_few_bad_bytes_are_tolerated_in_every_japanese_encoding(tmp_path: Path, encoding: str, name: str,
                                                                  how: str) -> None:
    path = tmp_path / "damaged.txt"
    path.write_bytes(_damaged(encoding, how))
    source = ingest(path)
    assert source.encoding == name
    text = "\n".join(line.text for line in source.lines)
    assert 1 <= text.count("\ufffd") <= 2 and "\uf8f3" not in text
    assert len(source.warnings) == 1 and name.upper() in source.warnings[0].message and "U+FFFD" in source.warnings[0].message
    assert difflib.SequenceMatcher(None, text, PLAN, autojunk=False).ratio() > 0.998  # the rest is read as written
    out = tmp_path / "out"
    result = keikaku_cli("run", str(path), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0, result.stderr
    entry = manifest(out)["documents"][0]
    assert entry["status"] == "warning" and entry["encoding"] == name


def test_too_much_damage_is_still_refused() -> None:
    data = bytearray(PLAN.encode("cp932"))
    data[::7] = b"\xff" * len(data[::7])
    with pytest.raises(InputError, match="cannot detect the text encoding"):
        ingest_bytes(bytes(data), "noise.txt")


def test_utf8_and_euc_jp_are_not_mistaken_for_cp932() -> None:
    assert ingest_bytes(PLAN.encode("euc_jp"), "e.txt").encoding == "euc-jp"
    damaged_utf8 = PLAN.encode("utf-8")
    source = ingest_bytes(damaged_utf8[:100] + b"\xff" + damaged_utf8[100:], "u.txt")
    assert source.encoding == "utf-8" and "invalid UTF-8" in source.warnings[0].message


# -- 15: never its own output ---------------------------------------------------------------------------
def test_an_output_folder_inside_the_input_folder_is_not_walked(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_text(SMALL, encoding="utf-8")
    (plans / "notes.md").write_text("memo", encoding="utf-8")
    for _ in range(2):
        result = keikaku_cli("run", str(plans), "--out", str(plans / "out"), "--nlp", "none")
        assert result.returncode == 0, result.stderr
        assert [s["path"] for s in manifest(plans / "out")["skipped"]] == [str(plans / "notes.md")]
        assert "1 file(s) skipped" in result.stderr
    # --out is the input folder itself: its plans are read, keikaku's own files are not listed
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "a.txt").write_text(SMALL, encoding="utf-8")
    (alone / "notes.md").write_text("memo", encoding="utf-8")
    for _ in range(2):
        result = keikaku_cli("run", str(alone), "--out", str(alone), "--nlp", "none", "--format", "both")
        assert result.returncode == 0, result.stderr
        assert [s["path"] for s in manifest(alone)["skipped"]] == [str(alone / "notes.md")]
        assert [e["doc_id"] for e in manifest(alone)["documents"]] == ["a"]


# -- what a hostile pass on the input side found ------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(PLAN.encode(encoding))
    source = ingest(path)
    assert source.encoding == encoding and not source.warnings
    assert "\n".join(line.text for line in source.lines) + "\n" == PLAN


def test_a_utf8_bom_before_other_bytes_names_the_first_bad_byte_of_the_file() -> None:
    with pytest.raises(InputError, match="declares UTF-8 with a BOM but byte 6 and many others are invalid"):
        ingest_bytes(b"\xef\xbb\xbfabc" + PLAN.encode("cp932"), "bom.txt")


def test_odd_entries_in_a_folder_get_one_line_each_and_stop_nothing(tmp_path: Path) -> None:
    import socket

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "good.txt").write_text(SMALL, encoding="utf-8")
    (plans / "loop.txt").symlink_to("loop2.txt")
    (plans / "loop2.txt").symlink_to("loop.txt")
    with open(plans / "sparse.txt", "wb") as fh:
        fh.truncate(300_000_000)  # 300 MB of nothing: refused before it is read
    (plans / "bad\nname.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (plans / "empty.txt").write_bytes(b"")
    (plans / "more.txt").mkdir()  # a folder named like a plan: searched
    (plans / "more.txt" / "inner.txt").write_text(PLAN, encoding="utf-8")
    (plans / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(plans / "sock.txt"))
    _nest(plans / "more.txt", 2100, "far.txt", PLAN.encode())  # beyond the 4,096-byte path limit
    out = tmp_path / "out"
    try:
        result = keikaku_cli("run", str(plans), "--out", str(out), "--nlp", "none", timeout=120)
    finally:
        sock.close()
        _unnest(plans / "more.txt")
    assert result.returncode == 1, result.stderr[-3000:]
    no_traceback(result)
    lines = result.stderr.splitlines()
    assert all(line.startswith(("error:", "skipped:", "[", "warning:", "warnings:", "report:")) or "document(s):" in line
               for line in lines), lines
    errors = sorted(line.split(": ")[1].rsplit("/", 1)[1] for line in lines if line.startswith("error:"))
    assert errors == ["bad\\x0aname.txt", "empty.txt", "loop.txt", "loop2.txt", "sparse.txt"], errors
    assert "Too many levels of symbolic links" in result.stderr and "--max-size" in result.stderr
    skipped = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in manifest(out)["skipped"]}
    assert "socket" in skipped["sock.txt"] and "link to a folder" in skipped["elsewhere"]
    assert "File name too long" in skipped["d"]
    entries = {e["doc_id"]: e for e in manifest(out)["documents"]}
    assert entries["good"]["status"] == "ok" and entries["inner"]["status"] == "ok"
    assert entries["bad_name"]["source"] == str(plans / "bad\nname.txt")  # the manifest keeps the real name


def test_a_folder_or_a_file_that_cannot_be_read_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keikaku.run.pipeline import collect_inputs

    plans = tmp_path / "plans"
    (plans / "locked").mkdir(parents=True)
    (plans / "locked" / "x.txt").write_text(SMALL, encoding="utf-8")
    (plans / "secret.txt").write_text(SMALL, encoding="utf-8")
    real_scandir, real_open = os.scandir, os.open

    def scandir(path):  # what a folder without read permission does (the tests may run as root)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def open_(path, *args, **kwargs):
        if str(path).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    found = collect_inputs([str(plans)])
    assert found.files == [plans / "secret.txt"]
    assert found.skipped == [{"path": str(plans / "locked"),
                              "reason": "folder cannot be read (Permission denied); not searched"}]
    monkeypatch.setattr(os, "open", open_)
    with pytest.raises(InputError, match=r"secret\.txt: cannot be read \(Permission denied\)"):
        ingest(plans / "secret.txt")

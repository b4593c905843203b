"""The command line: fast start, help with examples, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geobrief.cli import main


def test_help_answers_without_importing_heavy_modules():
    code = (
        "import sys\n"
        "from geobrief.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('geopandas', 'folium', 'pandas', 'shapely', 'spacy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "usage: geobrief" in out
    assert "HEAVY []" in out


@pytest.mark.parametrize(
    "command",
    ["build", "extract", "export", "snapshot", "eval", "eval-claims", "train-claims", "geocode", "gazetteer"],
)
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"geobrief {command}" in out


def test_no_command_prints_help_and_fails_as_usage_error(capsys):
    assert main([]) == 2
    assert "usage: geobrief" in capsys.readouterr().out


def test_build_with_only_unreadable_inputs_fails_and_names_them(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    status = main(["build", str(empty), str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 3
    assert "empty.txt" in err and "nope.txt" in err
    assert not (tmp_path / "out" / "briefing.html").exists()


def test_build_warns_above_the_page_size_and_suggests_store_filters(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Troops withdrew from Aleppo on Monday.", encoding="utf-8")
    b.write_text("Protesters gathered in Homs.", encoding="utf-8")
    assert main(["build", str(a), str(b), "--out", str(tmp_path / "quiet"), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err  # two articles: far below the default limit
    status = main(
        ["build", str(a), str(b), "--out", str(tmp_path / "out"), "--quiet", "--warn-articles", "1"]
    )
    err = capsys.readouterr().err
    assert status == 0 and (tmp_path / "out" / "briefing.html").exists()  # a warning, not a failure
    assert "2 articles (more than 1)" in err and "briefing.html is" in err
    assert "--store DIR" in err and "--since DATE" in err and "--bbox" in err
    assert main(["build", str(a), str(b), "--out", str(tmp_path / "off"), "-q", "--warn-articles", "0"]) == 0
    assert "warning" not in capsys.readouterr().err


def _help_examples():
    import argparse
    import shlex

    from geobrief.cli import _EPILOG, _parser

    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    texts = [_EPILOG] + [sp.epilog or "" for sp in sub.choices.values()]
    lines = [line.split("#")[0].split(">")[0].strip() for text in texts for line in text.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("geobrief ")]


@pytest.mark.parametrize("argv", _help_examples(), ids=" ".join)
def test_every_help_example_is_a_valid_command_line(argv):
    from geobrief.cli import _parser

    args = _parser().parse_args(argv)  # exits with status 2 on a bad example
    assert args.command == argv[0]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["build", "IN", "--out", "FILE"], "--out FILE is a file, not a folder"),
        (["build", "IN", "--out", "FILE/sub"], "is a file, not a folder"),
        (["build", "IN", "--out", ""], "--out must not be empty"),
        (["extract", "IN", "-o", "FILE/x.jsonl"], "is a file, not a folder"),
        (["extract", "IN", "-o", "."], "is a folder, not a file"),
        (["export", "IN", "-o", "places.xyz"], "pass --format"),
        (["export", "IN", "-o", "."], "is a folder, not a file"),
        (["geocode", "  "], "no name to look up"),
        (["snapshot", "IN", "--width", "0"], "--width: must be at least 1"),
        (["eval", "IN", "--errors", "-1"], "--errors: must be 0 or more"),
    ],
)
def test_bad_arguments_are_usage_errors_found_before_any_work(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("not a folder")
    (tmp_path / "IN").write_text("Troops left Kabul.")
    import geobrief.pipeline

    def no_work(*args, **kwargs):
        raise AssertionError("the command started work before checking its arguments")

    monkeypatch.setattr(geobrief.pipeline, "brief", no_work)
    monkeypatch.setattr(geobrief.pipeline.Pipeline, "__init__", no_work)
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert message in err and "Traceback" not in err


def test_an_output_error_is_reported_without_traceback(tmp_path, monkeypatch, capsys):
    import geobrief.cli

    def failing(args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "out.png"))

    monkeypatch.setitem(geobrief.cli._COMMANDS, "gazetteer", failing)
    assert main(["gazetteer"]) == 3
    assert capsys.readouterr().err.strip() == f"geobrief: error: {tmp_path / 'out.png'}: Permission denied"


def test_extract_with_nothing_readable_fails_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "places.jsonl"
    status = main(["extract", str(tmp_path / "nope.txt"), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 3
    assert "nope.txt: no such file or folder" in err and "no article could be read" in err
    assert not out.exists()


def _tiny_gold(tmp_path):
    rec = {
        "id": "g1",
        "text": "Rebels attacked the town of Kelby on Monday. Officials in Dunmore said talks would follow.",
        "places": [
            {
                "name": "Kelby",
                "lat": 0.0,
                "lon": 0.0,
                "claims": [
                    {
                        "event": "attack",
                        "modality": "asserted",
                        "evidence": "Rebels attacked the town of Kelby",
                    }
                ],
            },
            {"name": "Dunmore", "lat": 1.0, "lon": 1.0, "claims": []},
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    return path


def test_eval_claims_reports_candidate_recall_and_calibration(tmp_path, capsys):
    gold = _tiny_gold(tmp_path)
    assert main(["eval-claims", str(gold), "--gold-places", "--candidate-recall", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["candidate_recall"] == 1.0  # the attack on Kelby becomes a candidate
    assert result["tp"] == 1 and result["per_event"]["attack"]["f1"] == 1.0
    assert result["calibration"] and all(0 <= row["precision"] <= 1 for row in result["calibration"])
    assert main(["eval-claims", str(gold), "--gold-places", "--candidate-recall"]) == 0
    text = capsys.readouterr().out
    assert "candidate recall" in text and "mean conf" in text


def test_eval_claims_rules_mode_is_the_role_linker(tmp_path, capsys):
    gold = _tiny_gold(tmp_path)
    assert main(["eval-claims", str(gold), "--gold-places", "--claims", "rules", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tp"] == 1


def test_unknown_geocoder_is_a_usage_error_listing_the_services(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.txt").write_text("Troops left Qamishli.", encoding="utf-8")
    assert main(["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--geocoder", "bogus"]) == 2
    err = capsys.readouterr().err
    assert "unknown geocoder 'bogus'; choose one of: arcgis," in err and "nominatim" in err
    assert "dict_keys" not in err
    assert not (tmp_path / "o" / "briefing.html").exists()


def test_nominatim_without_user_agent_says_which_option_to_add(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEOBRIEF_USER_AGENT", raising=False)
    (tmp_path / "a.txt").write_text("Troops left Qamishli.", encoding="utf-8")
    assert main(["extract", str(tmp_path / "a.txt"), "--jsonl", "--geocoder", "nominatim"]) == 2
    err = capsys.readouterr().err
    assert "--user-agent 'my-app/1.0 (you@example.org)'" in err and "user_agent=" not in err


def test_top_level_help_does_not_promise_an_online_geocode(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.strip().startswith("geocode "))
    assert "online" not in line
    with pytest.raises(SystemExit):
        main(["geocode", "--help"])
    assert "--geocoder" not in capsys.readouterr().out


def test_extract_records_give_every_claim_its_confidence(tmp_path):
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    out = tmp_path / "claims.jsonl"
    assert main(["extract", str(seeds), "--jsonl", "-o", str(out), "--jobs", "1"]) == 0
    claims = [
        c
        for line in out.read_text(encoding="utf-8").splitlines()
        for p in json.loads(line)["places"]
        for c in p["claims"]
    ]
    assert claims, "the seeds make claims"
    assert all(isinstance(c["confidence"], float) and 0.0 <= c["confidence"] <= 1.0 for c in claims)
    # the claim's confidence is that of its strongest evidence, as in places.geojson
    assert all(c["confidence"] >= max(e["confidence"] for e in c["evidence"]) - 1e-3 for c in claims)

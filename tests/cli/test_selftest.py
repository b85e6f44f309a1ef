"""`kbang --self-test` and `kbang-desktop --self-test`: what the smoke test of the built program runs."""

from kbang_desktop.cli import selftest
from kbang_desktop.cli.main import main


def test_self_test_passes_and_leaves_the_users_data_alone(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KBANG_DATA_DIR", str(tmp_path / "data"))
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    for step in ("database", "reference data", "person", "decision", "certificate", "languages", "user guide"):
        assert f"ok   {step}:" in out
    assert "genuine" in out and "all 7 checks passed" in out
    assert not (tmp_path / "data").exists()  # a temporary folder, never the user's database


def test_a_failing_step_is_named_and_exits_1(capsys, monkeypatch):
    original = selftest.core_steps

    def broken(folder, state):
        steps = original(folder, state)

        def no_fonts() -> str:
            raise selftest.SelfTestFailed("PDF without embedded fonts")

        return [(title, no_fonts if title == "certificate" else step) for title, step in steps]

    monkeypatch.setattr(selftest, "core_steps", broken)
    assert selftest.run() == 1
    out = capsys.readouterr().out
    assert "FAIL certificate: SelfTestFailed: PDF without embedded fonts" in out and "ok   person" in out
    assert "languages" not in out  # stops at the first failure


def test_desktop_self_test_opens_the_window_offscreen(capsys):
    from kbang_desktop.app import gui_main

    assert gui_main(["--self-test"]) == 0
    out = capsys.readouterr().out
    assert "ok   main window: 12 areas" in out and "ok   PDF viewer" in out

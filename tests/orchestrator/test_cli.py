"""The CLI entry point loads and documents itself."""

from click.testing import CliRunner

from urja import __version__
from urja.cli import main


def test_version_and_help():
    runner = CliRunner()
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert __version__ in result.output
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Urja" in result.output


def test_native_extension_imports():
    import urja._native  # noqa: F401

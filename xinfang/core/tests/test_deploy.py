import pytest

from .helpers import run_manage


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="xinfang.example.gov.cn",
        DATA_DIR=str(tmp_path),
        BEHIND_PROXY="1",
        FIELD_ENCRYPTION_KEYS="eGluZmFuZy10ZXN0LXByb2R1Y3Rpb24ta2V5LTAwMDA=",
        FIELD_HASH_KEY="a-long-random-hash-key-" + "y" * 40,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run_manage("check", DEBUG="0", SECRET_KEY="", DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["1"])
def test_debug_runs_without_configuration(tmp_path, debug):
    result = run_manage("check", DEBUG=debug, SECRET_KEY="", DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr

"""``manage.py import_orgs`` / ``import_mediators``: same report, non-zero exit on errors."""
import pytest
from django.core.management import CommandError, call_command

from tests.orgs.helpers import mediator_file, mediator_row, org_file, org_row
from tiaojie.orgs.models import Mediator, Organization


def write(tmp_path, data):
    path = tmp_path / "data.xlsx"
    path.write_bytes(data)
    return str(path)


def test_import_orgs_ok(world, tmp_path, capsys):
    call_command("import_orgs", write(tmp_path, org_file(org_row())))
    assert "调解组织导入成功：新增 1 条" in capsys.readouterr().out
    assert Organization.objects.filter(name="光明社区人民调解委员会").exists()


def test_import_orgs_errors_exit_non_zero(world, tmp_path, capsys):
    path = write(tmp_path, org_file(org_row(区划代码="123")))
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import_orgs", path)
    assert "第2行【区划代码】：区划代码“123”不存在" in capsys.readouterr().out


def test_import_mediators_as_user_is_scoped(world, tmp_path, capsys):
    path = write(tmp_path, mediator_file(mediator_row()))
    with pytest.raises(CommandError):
        call_command("import_mediators", path, user="t_county2")
    assert "不在您的管辖范围内" in capsys.readouterr().out
    call_command("import_mediators", path, user="t_county", dry_run=True)
    assert not Mediator.objects.filter(name="周建华").exists()
    call_command("import_mediators", path, user="t_county")
    assert Mediator.objects.filter(name="周建华").exists()


def test_command_refuses_bad_user_and_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="不能导入"):
        call_command("import_orgs", write(tmp_path, org_file(org_row())), user="t_v1")
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_orgs", write(tmp_path, org_file(org_row())), user="nobody")
    with pytest.raises(CommandError, match="无法打开文件"):
        call_command("import_orgs", str(tmp_path / "missing.xlsx"))


def test_command_exit_code(tmp_path):
    """Run as a real process: the report is printed and the exit status is 1.

    A file that is not an .xlsx fails before any database access, so the subprocess does not
    depend on the test database.
    """
    import subprocess
    import sys

    path = write(tmp_path, b"name,kind\n")
    proc = subprocess.run([sys.executable, "manage.py", "import_orgs", path],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "不是有效的 .xlsx 文件" in proc.stdout
    assert "未保存任何数据" in proc.stderr

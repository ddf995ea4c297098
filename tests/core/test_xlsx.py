"""The one .xlsx writer: text that a spreadsheet would run as a formula is written as text (with a
quote prefix), in every export (issue 11: formula injection)."""
import io

import openpyxl
import pytest
from django.urls import reverse

from tiaojie.core import xlsx
from tiaojie.testing import register_case, sample_case_fields, sample_parties

RISKY = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_risky_text_is_text_with_a_quote_prefix():
    data = xlsx.sheet_bytes("测试", ["内容", "数字"], [(t, 3) for t in RISKY])
    found = {c.value: c for c in cells(data)}
    for t in RISKY:
        c = found.get(t) or found[t.replace("\r", "_x000D_")]  # how XML keeps a carriage return
        assert c.data_type == "s" and c.quotePrefix, t
    assert found[3].data_type == "n"


@pytest.mark.parametrize("facts", RISKY[:1])
def test_case_export_writes_no_formula(world, client, facts):
    register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                  **sample_case_fields(world, facts=facts))
    client.force_login(world.users["v1"])
    r = client.get(reverse("cases:export"))
    assert r.status_code == 200
    c = next(c for c in cells(r.content) if c.value == facts)
    assert c.data_type == "s" and c.quotePrefix
    assert not any(c.data_type == "f" for c in cells(r.content))


def test_organization_names_in_the_roster_export(world, client):
    org = world.orgs["v1"]
    org.name = "=HYPERLINK(\"x\")调委会"
    org.save()
    client.force_login(world.users["county"])
    r = client.get(reverse("orgs:mediator_export"))
    assert r.status_code == 200
    assert not any(c.data_type == "f" for c in cells(r.content))
    assert any(c.value == org.name and c.quotePrefix for c in cells(r.content))


def test_no_export_bypasses_the_one_writer():
    """Only tiaojie/core/xlsx.py writes workbooks: nothing else imports xlsxwriter or openpyxl's
    writing side (reading uploads with ``openpyxl.load_workbook`` is fine)."""
    import ast
    from pathlib import Path

    root = Path(xlsx.__file__).resolve().parents[1]
    writing = {"Workbook", "writer", "styles", "comments", "worksheet"}
    found = []
    for path in root.rglob("*.py"):
        if path == Path(xlsx.__file__).resolve() or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                mods = [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for mod in mods:
                parts = mod.split(".")
                if parts[0] == "xlsxwriter" or (parts[0] == "openpyxl" and writing & set(parts[1:])):
                    found.append(f"{path.relative_to(root)}:{node.lineno} {mod}")
    assert found == []

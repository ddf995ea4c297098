"""Dates typed the ways clerks type them; the workbench's own calendar instead of the browser's."""
from django import forms

from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET, DATETIME_FORMATS, DATETIME_WIDGET


class F(forms.Form):
    d = forms.DateField(widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    t = forms.DateTimeField(widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, required=False)


def test_typed_dates_are_accepted():
    for typed in ("2026-01-31", "2026/1/31"):
        f = F({"d": typed})
        assert f.is_valid(), typed
        assert f.cleaned_data["d"].isoformat() == "2026-01-31"
    f = F({"d": "2026-01-31", "t": "2026-01-31 09:30"})
    assert f.is_valid() and f.cleaned_data["t"].strftime("%H:%M") == "09:30"


def test_impossible_date_gets_a_chinese_message():
    f = F({"d": "2026-02-30"})
    assert not f.is_valid()
    assert "请输入有效的日期" in f.errors["d"][0]


def test_widgets_are_not_the_browsers_own_date_inputs():
    html = str(F()["d"]) + str(F()["t"])
    assert 'type="date"' not in html and "datetime-local" not in html
    assert 'data-picker="date"' in html and 'data-picker="datetime"' in html

"""Django admin for models with ``Protected`` identifiers (mediators, users).

* The list and the change page show only the masked text; the change form has one input per
  identifier for a *new* value (empty keeps the stored one, a checkbox clears it), never the
  stored value itself.
* The search box finds an exact identifier by its keyed hash.
* A user whose role may unmask (``user.can_unmask``) gets 查看完整号码: a confirmation page
  (GET) and the values after a POST, each time written to the personal-data access log.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.views.decorators.http import require_http_methods

from tiaojie.core.errors import DomainError
from tiaojie.security.protected import protected_fields, reveal

CLEAR = "{}_clear"


def protected_form(model, base=forms.ModelForm, validators=None):
    """A form class for ``model`` with an input (and a clear checkbox) per ``Protected`` identifier.

    ``validators``: ``{name: fn(value, instance) -> normalized value}`` raising ``ValidationError``
    or ``DomainError`` with a Chinese message."""
    validators = validators or {}
    fields = protected_fields(model)
    attrs = {}
    for name, p in fields.items():
        attrs[name] = forms.CharField(label=f"新{p.label}", required=False, max_length=30, strip=True,
                                      help_text="留空则保持原值（出于个人信息保护，原值不在此显示）")
        attrs[CLEAR.format(name)] = forms.BooleanField(label=f"清除{p.label}", required=False)

    def make_clean(name):
        def clean(self):
            value = self.cleaned_data.get(name, "")
            if value and name in validators:
                try:
                    value = validators[name](value, self.instance)
                except DomainError as exc:
                    raise ValidationError(exc.message) from exc
            return value
        return clean

    for name in fields:
        attrs[f"clean_{name}"] = make_clean(name)

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        for name, p in fields.items():
            current = p.masked(self.instance) if self.instance.pk else ""
            if name in self.fields and current:
                self.fields[name].help_text = f"现为 {current}；留空则保持原值"

    def clean(self):
        data = base.clean(self)
        for name, p in fields.items():
            if data.get(name) and data.get(CLEAR.format(name)):
                self.add_error(CLEAR.format(name), f"不能同时填写新{p.label}并清除{p.label}")
        return data

    def save(self, commit=True):
        for name in fields:
            if self.cleaned_data.get(CLEAR.format(name)):
                setattr(self.instance, name, "")
            elif self.cleaned_data.get(name):
                setattr(self.instance, name, self.cleaned_data[name])
        return base.save(self, commit)

    attrs.update(__init__=__init__, clean=clean, save=save, __module__=base.__module__)
    meta = getattr(base, "Meta", object)
    attrs["Meta"] = type("Meta", (meta,), {"model": model, "fields": "__all__"})
    return type(f"Protected{model.__name__}Form", (base,), attrs)


class ProtectedAdminMixin:
    """Mix into a ``ModelAdmin``; add ``"masked_identifiers"`` to ``readonly_fields`` and the
    fieldsets, and the identifier inputs (``name`` and ``name_clear``) where they belong."""

    change_form_template = "admin/protected_change_form.html"

    @admin.display(description="证件与电话（脱敏）")
    def masked_identifiers(self, obj):
        if obj is None or not obj.pk:
            return "—"
        shown = [(p.label, p.masked(obj) or "—") for p in protected_fields(type(obj)).values()]
        return format_html_join("；", "{}：<span class=\"font-monospace\">{}</span>", shown)

    def get_fieldsets(self, request, obj=None):
        """Without the right to change, the inputs go: a read-only field would show the decrypted value."""
        sets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj) or obj is None:
            return sets
        names = set(protected_fields(self.model)) | {CLEAR.format(n) for n in protected_fields(self.model)}

        def keep(fields):
            out = []
            for f in fields:
                if isinstance(f, list | tuple):
                    f = tuple(x for x in f if x not in names)
                    if f:
                        out.append(f)
                elif f not in names:
                    out.append(f)
            return tuple(out)

        return [(name, {**opts, "fields": keep(opts["fields"])}) for name, opts in sets]

    @staticmethod
    def _may_reveal(user) -> bool:
        return bool(user and getattr(user, "can_unmask", False))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self._may_reveal(request.user) and any(
                p.masked(obj) for p in protected_fields(type(obj)).values()):
            context["reveal_url"] = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_reveal",
                                            args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.reveal_view))
        return [path("<path:object_id>/reveal/", view, name="{}_{}_reveal".format(*info))] + super().get_urls()

    def reveal_view(self, request, object_id):
        if not self._may_reveal(request.user):
            raise PermissionDenied("您的角色不能查看完整号码")
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied("您没有查看该记录的权限")
        values = None
        if request.method == "POST":
            shown = reveal(request.user, obj, what=f"后台·{obj._meta.verbose_name}证件与电话",
                           object_repr=f"{obj}（#{obj.pk}）")
            fields = protected_fields(type(obj))
            values = [(fields[n].label, v or "—") for n, v in shown.items()]
        ctx = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": obj,
               "title": f"查看完整号码：{obj}", "values": values,
               "back": reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])}
        return TemplateResponse(request, "admin/protected_reveal.html", ctx)

    def get_search_results(self, request, queryset, search_term):
        qs, distinct = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        hashed = [p for p in protected_fields(self.model).values() if p.hash]
        if term and hashed and len(term) >= 5:
            cond = Q()
            for p in hashed:
                cond |= p.q(term)
            qs = qs | queryset.filter(cond)
        return qs, distinct

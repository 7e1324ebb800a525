"""One filter for everything named by its code in a query: ?investor=SYT, ?district=311, ?stream=new_rural.

An unknown code is the query's error, said in Vietnamese with the code ("Không có quận, huyện mã "999"."),
never an empty answer that reads like "no figures". The apps build their filters on it
(disbursement.filtersets.unit_filter for units).
"""

from __future__ import annotations

import django_filters


class CodeFilter(django_filters.ModelChoiceFilter):
    """An object by its code, the object itself in cleaned data.

    `field_name` is the relation to filter (`investor`, `allocation__district`), or a path ending in `code`
    (`stream__code`, or `code` for the resource's own code), which is then compared with the code.
    """

    def __init__(self, queryset, noun: str, **kwargs):
        kwargs.setdefault("label", f"mã {noun}")
        kwargs.setdefault("error_messages", {"invalid_choice": f'Không có {noun} mã "%(value)s".'})
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

    def filter(self, qs, value):
        if value is not None and self.field_name.rsplit("__", 1)[-1] == "code":
            value = value.code
        return super().filter(qs, value)

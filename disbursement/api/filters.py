from rest_framework import filters


class OrderingFilter(filters.OrderingFilter):
    """The same ?ordering= for every list: comma-separated fields, '-' for descending.

    Rows that tie on the fields asked for keep one order (by id), so pages do not overlap.
    """

    ordering_description = (
        "Sắp xếp theo các trường, cách nhau bằng dấu phẩy; thêm '-' để giảm dần, ví dụ -ratio,disbursed."
    )

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering = [*ordering, "pk"]
        return ordering

from rest_framework import filters


class OrderingFilter(filters.OrderingFilter):
    """The same ?ordering= for every list: comma-separated fields, '-' for descending."""

    ordering_description = (
        "Sắp xếp theo các trường, cách nhau bằng dấu phẩy; thêm '-' để giảm dần, ví dụ -ratio,disbursed."
    )

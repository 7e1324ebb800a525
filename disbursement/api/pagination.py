from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """The same pagination for every list: ?page=<n>&page_size=<n> (at most 1000)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = "Số trang (bắt đầu từ 1)."
    page_size_query_description = "Số dòng mỗi trang (mặc định 50, tối đa 1000)."
    invalid_page_message = "Trang không tồn tại."

"""Reading back what a download gave: exports stream, so their bytes are joined first."""

import csv
import io

import openpyxl
from django.http import HttpResponse, StreamingHttpResponse


def body(response: HttpResponse | StreamingHttpResponse) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV must start with a BOM so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


def workbook(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    return disposition.split("filename=", 1)[1].strip('"')

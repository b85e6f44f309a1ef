"""Reading a sheet over the row limit (issue 15): how long and how much memory before the refusal.

    .venv/bin/python bench/excel_bench.py [--dir DIR] [--rows 1048576] [--code SRC_DIR ...]

Makes (once, in DIR) a workbook whose one sheet has ROWS data rows of six columns (STT, Họ và tên,
Năm sinh, Giới tính, Dân tộc, Thôn/Làng) written straight as XML, then, in a fresh process for each
source tree given with --code (default: this checkout's src), runs documents.excel.read_sheet on it
and reports the wall time, the peak resident memory of that process and what it said. Give
`--code /work/main/src` to measure the code on main in the same run (the baseline).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from kbang_desktop import i18n
i18n.setup("vi")
from kbang_desktop.documents.excel import read_sheet
start = time.perf_counter()
try:
    rows, _headers = read_sheet(Path(sys.argv[2]))
    said = f"read {len(rows)} rows"
except Exception as error:
    said = f"{type(error).__name__}: {error}"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "said": said}, ensure_ascii=False))
"""

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
                 'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def make_sheet(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    headers = ("STT", "Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         f'spreadsheetml/2006/main"><dimension ref="A1:F{rows + 1}"/><sheetData><row r="1">'
                         + "".join(_text(f"{c}1", h) for c, h in zip("ABCDEF", headers, strict=True))
                         + "</row>").encode())
            for n in range(2, rows + 2):
                sheet.write((f'<row r="{n}"><c r="A{n}"><v>{n - 1}</v></c>{_text(f"B{n}", f"Đinh Văn Người {n}")}'
                             f'<c r="C{n}"><v>{1950 + n % 50}</v></c>{_text(f"D{n}", "Nam" if n % 2 else "Nữ")}'
                             f'{_text(f"E{n}", "Ba Na")}{_text(f"F{n}", f"Làng {n % 40}")}</row>').encode())
            sheet.write(b"</sheetData></worksheet>")
    part.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-data/i15b"))
    parser.add_argument("--rows", type=int, default=1_048_575)  # with the header: every row Excel has
    parser.add_argument("--code", action="append", type=Path)
    args = parser.parse_args()
    path = args.dir / f"sheet-{args.rows}.xlsx"
    if not path.exists():
        make_sheet(path, args.rows)
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB, {args.rows + 1:,} rows")
    results = {}
    for code in args.code or [HERE.parent / "src"]:
        done = subprocess.run([sys.executable, "-c", CHILD, str(code), str(path)], capture_output=True, text=True,
                              check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results[str(code)] = result
        print(f"{code}: {result['seconds']:.1f} s, peak {result['peak_bytes'] / 1e6:,.0f} MB: {result['said'][:120]}")
    if len(results) == 2:
        (base, new) = results.values()
        print(f"ratio (second / first): time {new['seconds'] / base['seconds']:.3f}x, "
              f"memory {new['peak_bytes'] / base['peak_bytes']:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

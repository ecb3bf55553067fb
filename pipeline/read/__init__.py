"""Reading: any supported file or export in, `RawRow`s out, with the row numbers the user sees.

`open_input` picks the reader an input needs (another tool's export, or a spreadsheet by
its extension); `open_reader` is the spreadsheet readers alone; `read_rows` is the plain
row stream. Every reader gives access to the format, each sheet's header and its warnings.

One module per format (text, excel, jsonfile) over `base`; `migrate` is one more way of
reading, for other tools' exports, whose rows then go through the same later stages.
"""

from pipeline.read.base import Reader, Sheet
from pipeline.read.detect import FORMATS, detect_format
from pipeline.read.inputs import open_input, open_reader, read_rows

__all__ = [
    "FORMATS",
    "Reader",
    "Sheet",
    "detect_format",
    "open_input",
    "open_reader",
    "read_rows",
]

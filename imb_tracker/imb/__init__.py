"""The Intelligent Mail barcode core: pure standard library, no Qt, network or disk.

Typical use::

    from imb_tracker import imb
    fields = imb.ImbFields("00", "270", "123456", "000000001", "62704123401")
    bars = imb.encode(fields)            # 65 letters A/D/F/T
    imb.decode(bars).fields == fields    # True
    geometry = imb.barcode_geometry(bars)  # where to draw each bar, in points
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .codec import DecodedImb, decode, encode, encode_fields, encode_tracking, normalize_bars, rotate
    from .errors import DecodeError, FieldError, ImbError, InvalidCharacterError, RepairError
    from .fields import ImbFields, clean_zip
    from .geometry import NOMINAL, BarcodeGeometry, BarRect, BarSpec, Rect, barcode_geometry
    from .stid import StidInfo, StidTable, describe_stid, stid_table
    from .tray import ContainerBarcode, TrayBarcode

#: each public name and the submodule that holds it: a submodule is imported when a name of it is
#: first used, so ``imb-tracker --version`` or a command that only formats serials does not build
#: the codec's tables (issue 19)
_HOME = {
    **dict.fromkeys(
        ("DecodedImb", "decode", "encode", "encode_fields", "encode_tracking", "normalize_bars", "rotate"),
        "codec",
    ),
    **dict.fromkeys(
        ("DecodeError", "FieldError", "ImbError", "InvalidCharacterError", "RepairError"), "errors"
    ),
    **dict.fromkeys(("ImbFields", "clean_zip"), "fields"),
    **dict.fromkeys(
        ("NOMINAL", "BarcodeGeometry", "BarRect", "BarSpec", "Rect", "barcode_geometry"), "geometry"
    ),
    **dict.fromkeys(("StidInfo", "StidTable", "describe_stid", "stid_table"), "stid"),
    **dict.fromkeys(("ContainerBarcode", "TrayBarcode"), "tray"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once found, an ordinary attribute
    return value


__all__ = [
    "NOMINAL",
    "BarRect",
    "BarSpec",
    "BarcodeGeometry",
    "ContainerBarcode",
    "DecodeError",
    "DecodedImb",
    "FieldError",
    "ImbError",
    "ImbFields",
    "InvalidCharacterError",
    "Rect",
    "RepairError",
    "StidInfo",
    "StidTable",
    "TrayBarcode",
    "barcode_geometry",
    "clean_zip",
    "decode",
    "describe_stid",
    "encode",
    "encode_fields",
    "encode_tracking",
    "normalize_bars",
    "rotate",
    "stid_table",
]

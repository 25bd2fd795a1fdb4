"""The Intelligent Mail barcode core: pure standard library, no Qt, network or disk.

Typical use::

    from imb_tracker import imb
    fields = imb.ImbFields("00", "270", "123456", "000000001", "62704123401")
    bars = imb.encode(fields)            # 65 letters A/D/F/T
    imb.decode(bars).fields == fields    # True
    geometry = imb.barcode_geometry(bars)  # where to draw each bar, in points
"""

from __future__ import annotations

from .codec import DecodedImb, decode, encode, encode_fields, encode_tracking, normalize_bars, rotate
from .errors import DecodeError, FieldError, ImbError, InvalidCharacterError, RepairError
from .fields import ImbFields, clean_zip
from .geometry import NOMINAL, BarcodeGeometry, BarRect, BarSpec, Rect, barcode_geometry
from .stid import StidInfo, StidTable, describe_stid, stid_table
from .tray import ContainerBarcode, TrayBarcode

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

"""IMb Tracker: encode, print and track USPS Intelligent Mail barcodes."""

__version__ = "0.1.0"

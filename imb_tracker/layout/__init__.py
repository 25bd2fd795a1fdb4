"""Everything that becomes a PDF: envelopes, label sheets, tray tags, calibration (streaming writer)."""

"""Display formats (``FORMAT_MODULE_PATH``): dates as editors compare them, short enough for list columns."""

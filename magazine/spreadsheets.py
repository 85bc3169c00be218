"""What the admin's CSV exports share."""


def csv_safe(value):
    """Keep spreadsheets from running a cell as a formula (CSV injection): such a cell starts with a quote."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text

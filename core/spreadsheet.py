"""CSV cells that a spreadsheet shows as text: a cell starting with = + - @ (or a tab or a
return) would be read as a formula, so such a cell gets a quote in front (OWASP's advice on
CSV injection). Every CSV the site writes from people's words goes through it."""


def csv_cell(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

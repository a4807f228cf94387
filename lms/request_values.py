"""Keys typed into a request by hand: a posted ``organisation=3`` can as well be ``abc``, a
NUL byte or forty digits, none of which the database can compare with a key (SQLite raises
OverflowError past 64 bits). ``key_or_zero`` turns every such value into 0, a key no row has,
so a lookup finds nothing and the view answers as for any unknown key."""

MAX_KEY = 2**63 - 1


def key_or_zero(value) -> int:
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return 0
    number = int(text)
    return number if number <= MAX_KEY else 0

"""Small-count suppression for exports shared outside the country team (issue 16): one rule
for every table of every export, whatever the filters, safe against differencing.

The rule (written out in docs/rooms/reports.md):

1. **Primary suppression.** A count from 1 to 4 is shown as "<5". Zero stays (it
   discloses no one).
2. **Rounding.** Every other count is rounded to the nearest multiple of 5. The same rule
   applies to every export, so subtracting two exports of different filters (everyone
   minus women, one country minus its organisations) gives a multiple of 5, never a group
   of 1 to 4.
3. **Secondary suppression.** In a table whose rows add up to a total shown elsewhere
   (participants by country add up to the summary's participants), the hidden cells of a
   column must hide at least 5 people together: while they hide fewer, the smallest
   visible non-zero cell of that column is hidden too. A total minus the visible cells
   then never gives back a small group.
4. **No derived figure from a hidden cell.** A percentage, mean or rate whose inputs
   include a hidden count is left empty (a one-learner mean is that learner's score);
   the others are recomputed from the published (rounded) counts, so that
   "used % x allocation" gives back only the rounded figure.
"""

from dataclasses import replace

SUPPRESSED = "<5"
SMALLEST_SHARED_COUNT = 5
ROUND_TO = 5


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def suppress(value):
    """Primary suppression and rounding of one count."""
    if not _is_count(value) or value == 0:
        return value
    if value < SMALLEST_SHARED_COUNT:
        return SUPPRESSED
    return ROUND_TO * ((value + ROUND_TO // 2) // ROUND_TO)


def _ratio(part, whole):
    if isinstance(part, str) or isinstance(whole, str) or part is None or not whole:
        return None
    return round(100 * float(part) / float(whole), 1)


def shared_table(table):
    """``table`` as it may leave the country team (a new Table; the original is kept)."""
    count_keys = {column.key for column in table.columns if column.count}
    rows = [dict(row) for row in table.rows]
    hidden: dict[int, set[str]] = {i: set() for i in range(len(rows))}
    for i, row in enumerate(rows):
        for key in count_keys | set(row.get("_counts", ())):
            value = row.get(key)
            if _is_count(value) and 0 < value < SMALLEST_SHARED_COUNT:
                hidden[i].add(key)
    if table.additive and len(rows) > 1:
        for key in count_keys:
            cells = [(row.get(key), i) for i, row in enumerate(rows) if _is_count(row.get(key))]
            while True:
                hidden_sum = sum(value for value, i in cells if key in hidden[i])
                if not 0 < hidden_sum < SMALLEST_SHARED_COUNT:
                    break
                visible = sorted((v, i) for v, i in cells if v > 0 and key not in hidden[i])
                if not visible:
                    break
                hidden[visible[0][1]].add(key)
    published = []
    for i, row in enumerate(rows):
        out = {}
        for key, value in row.items():
            if key in hidden[i]:
                out[key] = SUPPRESSED
            elif key in count_keys or key in set(row.get("_counts", ())):
                out[key] = suppress(value)
            else:
                out[key] = value
        source = row.get("_from_count")
        if _is_count(source) and 0 < source < SMALLEST_SHARED_COUNT:
            out["value"] = None  # a figure of its own row computed from a small count
        for column in table.columns:
            if not column.derived_from and not column.ratio:
                continue
            inputs = set(column.derived_from) | set(column.ratio or ())
            if inputs & hidden[i]:
                out[column.key] = None
            elif column.ratio:
                part, whole = column.ratio
                out[column.key] = _ratio(out.get(part), out.get(whole))
        published.append(out)
    return replace(table, rows=published)

"""``{% load cohort_grid %}``: the rows of the trainer's grid (courses/cohort_detail.html).

A cohort of 250 learners on a 12-module course is 3,000 cells: through the template's loops
each cell cost a dozen nodes and a localisation of each number, 0.14 s and 1.2 MB for the
page (decision 0632). Here each row is written once, in Python, into the very HTML the loop
wrote (tests/courses/test_cohort_grid.py renders both and compares them): every value
escaped and localised as ``{{ }}`` does (``render_value_in_context``), the translations and
the CSRF field as their tags give them."""

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import floatformat
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def cohort_grid_rows(context, grid, cohort, has_cmi5):
    """One ``<tr>`` per learner: the name (a new login slip for a learner without email,
    the cmi5 units, a mark when completed), the lessons done in each column, the sessions
    attended, the knowledge gain and the progress percentage."""

    shown_numbers: dict[int, str] = {}

    def shown(number: int) -> str:
        """``{{ number }}``, each of this page's numbers localised once."""
        if number not in shown_numbers:
            shown_numbers[number] = render_value_in_context(number, context)
        return shown_numbers[number]

    csrf = CsrfTokenNode().render(context)
    # Translations of template literals are safe strings: written as they are, unescaped.
    slip_title = gettext("New password and login slip")
    slip_button = gettext("New slip")
    cmi5_units = gettext("cmi5 units")
    completed = gettext("completed")
    sessions_total = shown(grid.sessions_total)
    cells: dict[tuple[int, int], str] = {}
    out = []
    for row in grid.rows:
        learner = row.learner
        out.append('\n      <tr>\n        <th scope="row">')
        out.append(render_value_in_context(learner.name, context))
        if not learner.email:
            url = reverse("courses:learner_new_slip", args=[cohort.pk, learner.pk])
            out.append(
                f'\n          <form method="post" action="{conditional_escape(url)}" '
                f'class="inline-form">{csrf}<button type="submit" '
                f'class="link-button slip-button" title="{slip_title}">{slip_button}'
                "</button></form>"
            )
        if has_cmi5:
            url = reverse("courses:learner_cmi5", args=[cohort.pk, learner.pk])
            out.append(
                f' <a class="cmi5-units-link" href="{conditional_escape(url)}">{cmi5_units}</a>'
            )
        if row.progress.completed_at:
            out.append(
                ' <span class="status-done">✓<span class="visually-hidden"> '
                f"{completed}</span></span>"
            )
        out.append("</th>\n        ")
        for cell in row.cells:
            html = cells.get(cell)
            if html is None:
                done, total = cell
                state = " cell-done" if total and done == total else " cell-partial" if done else ""
                html = cells[cell] = f'<td class="cell{state}">{shown(done)}/{shown(total)}</td>'
            out.append(html)
        gain = (
            "—" if row.gain is None else render_value_in_context(floatformat(row.gain, 0), context)
        )
        out.append(
            f"\n        <td>{shown(row.progress.sessions_attended)}/{sessions_total}</td>"
            f"\n        <td>{gain}</td>"
            f"\n        <td>{shown(row.percent)}</td>\n      </tr>\n    "
        )
    # Every value above is escaped, or safe as its template tag gives it.
    return mark_safe("".join(out))

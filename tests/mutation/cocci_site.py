# SPDX-License-Identifier: MIT
"""One mutant at a time from a semantic patch that would change every
place it matches. Each operator's match rule binds a position `p` at the
place it mutates and hands it to keep(); the rule that transforms inherits
only the positions kept. Without MUTANT_SITE, nothing is kept and every
site is printed (a line "SITE function:line:column"); with it, only that
site is transformed."""

import os

WANTED = os.environ.get("MUTANT_SITE")


def keep(p, cocci):
    where = p[0]
    key = f"{where.current_element}:{where.line}:{where.column}"
    if WANTED is None:
        print("SITE " + key, flush=True)
        cocci.include_match(False)
    elif key != WANTED:
        cocci.include_match(False)

"""Dermatomyositis said of a child is juvenile dermatomyositis (JDM), and JDM in an adult is DM.

Parents often write "DM" for their child's disease ("our daughter got DM just before she turned
5"): the answer they need is the one for children, whose studies and advice differ from adults'.
A grown-up who has had JDM since childhood ("had JDM since I was 14 and I'm 30 now") needs the
adults' answers, whose studies were done in people like them.
"""

from __future__ import annotations

import re

# The subtype that, in a child, is the juvenile form.
ADULT_FORM = "DM"
JUVENILE_FORM = "JDM"
# The words for one's child or grandchild.
CHILDREN = "daughter|son|girl|boy|kid|child|toddler|baby|grandson|granddaughter|grandchild"
# A child of the writer's ("my little boy", "our daughter"), or the writer as a child ("as a kid").
CHILD = re.compile(
    r"\b(?:(?:my|our)\s+(?:little\s+|young\s+|youngest\s+|eldest\s+|oldest\s+)?"
    rf"(?:{CHILDREN})"
    r"|as\s+a\s+(?:kid|child|teen|teenager|little\s+girl|little\s+boy))\b",
    re.IGNORECASE,
)
# An age in years: "9 year old", "12yo", "turned 5", "aged 7".
AGE = re.compile(
    r"\b(\d{1,2})\s*(?:-|\s)?(?:years?|yrs?)(?:-|\s)?old\b|\b(\d{1,2})\s*yo\b"
    r"|\b(?:turned|aged|age)\s+(\d{1,2})\b",
    re.IGNORECASE,
)
# An adult's age stated bare: "she is 34", "diagnosed at 45", "I'm 23" (never evidence of a
# child: "is 5 minutes enough?").
STATED_AGE = re.compile(
    r"\b(?:is|at|i'?m|i\s+am)\s+(\d{2})\b"
    r"(?!\s*(?:%|(?:percent|min|mins|minutes|secs?|seconds|reps|sets|times"
    r"|kgs?|lbs?|pounds|km|miles|degrees|weeks?|days?|months?|hours?|am|pm)\b))",
    re.IGNORECASE,
)
ADULT_AGE = 18
# The writer's own dermatomyositis ("my DM showed up right after I had my daughter"): an adult's.
OWN_DISEASE = re.compile(
    r"\b(?:my|i\s+have|i've\s+got|i\s+got|i\s+was\s+diagnosed\s+with)\s+(?:dm|dermatomyositis)\b",
    re.IGNORECASE,
)


def subtype_meant(subtype: str | None, text: str) -> str | None:
    """The subtype ``text`` means: JDM for dermatomyositis in a child, DM for JDM in an adult.

    A child is one of the writer's own children or the writer as a child, or an age under 18; an
    age of 18 or more says the person is an adult, whoever they are. Dermatomyositis the writer
    calls their own is an adult's, whatever children they speak of.
    """
    if subtype not in (ADULT_FORM, JUVENILE_FORM):
        return subtype
    ages = [int(next(a for a in m.groups() if a)) for m in AGE.finditer(text)]
    stated = [int(m.group(1)) for m in STATED_AGE.finditer(text)]
    if any(age >= ADULT_AGE for age in ages + stated):
        return ADULT_FORM
    if subtype == JUVENILE_FORM or OWN_DISEASE.search(text):
        return subtype
    return JUVENILE_FORM if ages or CHILD.search(text) else subtype

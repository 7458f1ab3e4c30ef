"""Synthetic project data shared by the benches; standard library only, so a bench's small
coordinating process can use it without loading the application."""
from __future__ import annotations

import datetime as dt
import random


def lifecycle(rng: random.Random, first: int, last: int, p_start: float, p_production: float):
    """A random project's (stage, sign, start, production, planned production) with every date on or
    before ordinal ``last``: 8% still 在谈, else signed in [first, last], started with ``p_start``,
    then in production with ``p_production`` (else a planned date a year after the start), 3% 终止."""
    sign = start = production = planned = None
    if rng.random() < 0.08:
        return "在谈", sign, start, production, planned
    sign_ord = rng.randint(first, last)
    sign = dt.date.fromordinal(sign_ord)
    if rng.random() < p_start and (start_ord := sign_ord + rng.randint(0, 240)) <= last:
        start = dt.date.fromordinal(start_ord)
        if rng.random() < p_production and (prod_ord := start_ord + rng.randint(60, 420)) <= last:
            production = dt.date.fromordinal(prod_ord)
        else:
            planned = dt.date.fromordinal(start_ord + 365)
    stage = "投产" if production else "开工" if start else "签约"
    if rng.random() < 0.03:
        stage = "终止"
    return stage, sign, start, production, planned

"""Re-export of :mod:`xiangcun.core.workdays` for the modules that still import it from here
(``agreements/services.py``, ``funding/services.py``, ``agreements/tests/test_services.py``).
Import from ``xiangcun.core.workdays``; this module goes once they do."""

from xiangcun.core.workdays import COVERED_YEARS, OBJECTION_WORKING_DAYS, add_working_days, is_working_day

__all__ = ["COVERED_YEARS", "OBJECTION_WORKING_DAYS", "add_working_days", "is_working_day"]

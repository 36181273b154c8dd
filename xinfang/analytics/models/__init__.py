"""The analytics area's models, by topic: the summaries the figures are read from
(summaries) and the monthly report (reports)."""

from .reports import COMMENTARY, MonthlyReport, ReportState
from .summaries import MEASURES, MatterFact, StaleFact, Summary

__all__ = [
    "COMMENTARY",
    "MEASURES",
    "MatterFact",
    "MonthlyReport",
    "ReportState",
    "StaleFact",
    "Summary",
]

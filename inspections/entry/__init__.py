"""Entering a report on service pages: the report and all its findings on one page, checked,
then published to forces (only then are items made and the s.55 notices sent)."""

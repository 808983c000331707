"""Reads about the responses to reports: letters, the s.55 clock, the chief constable's comments.

A package of its own, below the features, so that reports, letters, reminders and the item
page all read the s.55 state from one place without importing each other."""

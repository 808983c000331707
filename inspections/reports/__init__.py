"""The report pages: queries, tables, filters, exports and charts."""

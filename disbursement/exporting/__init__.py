"""Workbooks and CSV files that staff forward as they are."""

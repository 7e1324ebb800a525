"""Import of disbursement workbooks: archive checks, parsing, checks, writing."""

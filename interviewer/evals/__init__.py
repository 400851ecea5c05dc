"""Eval suites: run labelled cases through a grader and measure agreement and invariance."""

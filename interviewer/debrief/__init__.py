"""Debrief a real interview: its transcript read into turns, the questions and the
candidate's answers found, each question matched to a bank question or the general rubric.
Pure analysis; ``engine.debrief`` stores and grades the result."""

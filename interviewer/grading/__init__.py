"""Graders: the offline grader, the LLM grader (and coaching), and the factory that picks.

Depends only on ``interviewer.core``.
"""

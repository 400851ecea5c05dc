"""Spoken answers: decode and split audio, transcribe, speak questions, delivery metrics."""

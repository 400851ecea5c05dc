"""Request handlers, grouped by page: start and history, the interview, audio."""

"""What is shown about sessions, computed once: summaries, score rows, trends, reports.

Pure functions of stored records (``core``); no printing, no storage. Every shell (the
terminal, the web app, the batch runner) formats these and nothing else.
"""

"""The interview engine: sessions, the SQLite store and its migrations, follow-ups,
question selection and bank import. Depends on ``grading`` and ``core``; never presents.
"""

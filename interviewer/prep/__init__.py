"""Preparing for one interview: job descriptions matched to banks, stories, a practice plan.

Pure analysis over banks and stored records (layer 2, beside ``engine/`` and ``views/``):
the shells load banks and sessions through the engine and pass them in; nothing here
opens the store or prints.
"""

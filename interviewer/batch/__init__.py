"""Grade a file of answers: read rows, grade (concurrently, cached), append results.

``io`` reads JSONL/CSV and writes the JSONL results, ``cache`` keeps grades by content
hash, ``limiter`` adapts concurrency to rate limits, ``runner`` drives the grading and
``batch_api`` sends the same requests as an OpenAI Batch API job instead.
"""

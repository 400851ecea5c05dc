"""Everything that talks to an LLM: the client, prompts, and the LLM grader."""

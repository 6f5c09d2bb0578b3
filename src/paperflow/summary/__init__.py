"""Text to Summary: the LLM client, prompts, the extractive drafter and the number check."""

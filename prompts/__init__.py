"""The default prompt and entry templates (Jinja2), shipped in the wheel as `paperflow.prompts`."""

"""Client notes: intake answers summarised and written to Notion (or local Markdown)."""

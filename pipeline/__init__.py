"""pipeline: runs the stages (discover, read, judge, map, report), owns the CLI, config and reports."""

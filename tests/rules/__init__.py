"""Table-driven rule cases: one YAML file per rule, run by test_rule_cases.py."""

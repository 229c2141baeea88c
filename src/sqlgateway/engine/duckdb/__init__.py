"""The embedded DuckDB engine (default): Flink SQL on an in-process DuckDB database."""

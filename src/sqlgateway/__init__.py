"""sqlgateway: the Apache Flink SQL Gateway REST protocol (v1-v4), on embedded DuckDB or Flink."""

__version__ = "0.1.0"

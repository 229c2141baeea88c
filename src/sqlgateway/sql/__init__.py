"""Engine-independent Flink SQL helpers: statement splitting, classification, completion."""

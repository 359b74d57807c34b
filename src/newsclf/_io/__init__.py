"""Reading and writing records: input formats, output writers, labeled tables, atomic files."""

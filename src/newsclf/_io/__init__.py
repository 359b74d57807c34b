"""Reading and writing records: record types, formats, readers, writers, tables, documents, atomic files."""

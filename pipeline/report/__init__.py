"""What a run leaves behind: the report, the failed-rows file, the journal and the summary."""

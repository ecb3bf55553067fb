"""`label-import sandbox`: placeholder replaced by the sandbox work in progress."""

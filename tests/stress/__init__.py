"""Reliability tests: concurrent writers, crashes, backups and restores, file permissions."""

"""H5P and SCORM packages: upload and validation, processing, sandboxed playback and the
bridge that records their results in ``lms.records``. See docs/rooms/interactive.md."""

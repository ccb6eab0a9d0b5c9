//! parallax-ingest

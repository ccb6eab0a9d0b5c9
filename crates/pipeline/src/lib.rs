//! parallax-pipeline

//! parallax-extract

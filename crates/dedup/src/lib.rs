//! parallax-dedup

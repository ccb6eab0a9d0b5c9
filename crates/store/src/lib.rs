//! parallax-store

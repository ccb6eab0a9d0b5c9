//! parallax-claims

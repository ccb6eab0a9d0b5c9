//! parallax-report

//! parallax-cluster
